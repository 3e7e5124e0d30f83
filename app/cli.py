"""Command-line flags, parsed without importing Qt or numba (they read the env first)."""

from __future__ import annotations

import argparse
import re

from app.version import __version__


def _heads(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 16:
        raise argparse.ArgumentTypeError(f"--heads must be between 1 and 16, not {value}")
    return value


def _threads(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("--threads must be at least 1")
    return value


def _language(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*", text):
        raise argparse.ArgumentTypeError(f"--language takes a code such as fr, de or pt_BR, not {text!r}")
    return text


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="attention-lab",
        description="Attention Lab: change tokens, matrices and heads; watch self-attention answer.",
    )
    p.add_argument(
        "--preset",
        metavar="NAME",
        help="open on a preset: bank, example-weights, red-car, bank-account, by-hand",
    )
    p.add_argument("--sentence", metavar="TEXT", help="the sentence to open on (after --preset, if both)")
    p.add_argument("--session", metavar="FILE", help="open a saved session (.attnlab)")
    p.add_argument("--lesson", metavar="NAME[:STEP]", help="open a guided lesson, e.g. bank or bank:3")
    p.add_argument("--presentation", action="store_true", help="start in presentation mode (F11)")
    p.add_argument("--heads", type=_heads, metavar="N", help="number of attention heads (1-16)")
    p.add_argument(
        "--language",
        type=_language,
        metavar="CODE",
        help="language of the window's texts, e.g. fr or pt_BR (default: the system's; en: English)",
    )
    p.add_argument(
        "--screenshot", metavar="FILE.png", help="render the window offscreen at 1600x1000 and exit"
    )
    p.add_argument(
        "--export",
        metavar="FILE",
        help="write tokens, matrices and every attention stage (.npz, .json or .csv)",
    )
    p.add_argument("--headless", action="store_true", help="compute (and --export) without opening a window")
    p.add_argument(
        "--threads", type=_threads, metavar="N", help="threads for the engine (default: all cores)"
    )
    p.add_argument(
        "--no-warmup", action="store_true", help="do not compile the Numba kernels in the background"
    )
    p.add_argument(
        "--self-test",
        action="store_true",
        help="check the installation: kernels against NumPy, the window offscreen; print a verdict",
    )
    p.add_argument("--quit-after-first-paint", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--version", action="version", version=f"Attention Lab {__version__}")
    return p


def parse_args(argv=None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    if args.headless and not args.export:
        build_parser().error(
            "--headless needs --export FILE.npz (there is nothing else to do without a window)"
        )
    return args
