"""The maths of Attention Lab: numpy and numba only, never Qt.

``engine.multi_head_attention`` is the contract other code relies on (DESIGN.md).
"""

from engine.attention import multi_head_attention
from engine.result import AttentionResult

__all__ = ["AttentionResult", "multi_head_attention"]
