"""Word-level tokens for display, and the lookup form used by the lexicon.

Attention Lab shows one row and one column per token, so tokens must be the units a
person reads: whole words, with each punctuation mark and each emoji on its own. This
is deliberately not a sub-word tokenizer (the planned real-model mode brings its own).

Rules, in order:

1. The text is NFC-normalised, so "café" typed with a combining accent and "café"
   typed precomposed give the same token.
2. Whitespace of any kind separates tokens. Control and invisible format characters
   (zero-width space, soft hyphen, direction marks, BOM, ...) are dropped without
   splitting, so "ban\\u200bk" is "bank".
3. A word is a run of letters, digits and their combining marks. An apostrophe or
   hyphen *between* two word characters stays inside ("don't", "well-known").
4. Every punctuation mark and every symbol is one token. A symbol keeps what a reader
   sees as part of it: combining marks, variation selectors, skin-tone modifiers,
   tag characters (subdivision flags), ZWJ-joined emoji and pairs of regional
   indicators (country flags).
5. Han ideographs and Japanese kana are one token each, because Chinese and Japanese
   put no spaces between words and a whole sentence as one token would teach nothing
   (BERT's basic tokenizer splits Han the same way). Korean uses spaces, so Hangul
   words stay whole. Thai, Lao, Khmer and Myanmar runs also stay whole: splitting
   them into words needs a dictionary.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["normalize", "tokenize"]

# Apostrophes (ASCII, typographic) and hyphens (hyphen-minus, hyphen, non-breaking
# hyphen) that stay inside a word when a word character follows them.
_WORD_JOINERS = frozenset("'\u2019-\u2010\u2011")
_ZWJ = "\u200d"

# Character classes the scanner works with.
_SPACE, _DROP, _WORD, _CJK, _MARK, _PUNCT, _SYMBOL = range(7)
_ZWJ_CLASS, _TAG, _MODIFIER, _REGIONAL = range(7, 11)

_CJK_RANGES = (
    (0x3040, 0x30FF),  # hiragana and katakana
    (0x31F0, 0x31FF),  # katakana phonetic extensions
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),  # extensions B-F and compatibility supplement
    (0x30000, 0x3134F),  # extension G
    (0xFF66, 0xFF9D),  # half-width katakana
)


def normalize(token: str) -> str:
    """Return the lookup form of a token: NFC, then case-folded.

    Parameters
    ----------
    token : str
        A token as shown to the user.

    Returns
    -------
    str
        The form used as a lexicon key ("Bank" -> "bank", "STRASSE" -> "strasse").
    """
    # Case folding can decompose characters, so normalise again to stay in NFC.
    folded = unicodedata.normalize("NFC", token).casefold()
    return unicodedata.normalize("NFC", folded)


def tokenize(text: str) -> list[str]:
    """Split text into word-level tokens for display (see the module notes).

    Parameters
    ----------
    text : str
        Any text; empty or whitespace-only text gives no tokens.

    Returns
    -------
    list of str
        Tokens in reading (logical) order, case kept.

    Examples
    --------
    >>> tokenize("Don't stop, well-known bank.")
    ["Don't", 'stop', ',', 'well-known', 'bank', '.']
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize() needs a str, got {type(text).__name__}.")
    text = unicodedata.normalize("NFC", text)
    classes = [_classify(ch) for ch in text]
    tokens = _Scanner(text, classes).run()
    # Dropping invisible characters can leave a base and its accent side by side.
    return [unicodedata.normalize("NFC", tok) for tok in tokens]


@lru_cache(maxsize=4096)
def _classify(ch: str) -> int:
    """Return the scanner class of one character."""
    if ch.isspace():
        return _SPACE
    code = ord(ch)
    if ch == _ZWJ:
        return _ZWJ_CLASS
    if 0xE0020 <= code <= 0xE007F:
        return _TAG
    category = unicodedata.category(ch)
    if category in ("Cc", "Cf", "Cs"):
        return _DROP
    if category[0] == "M":
        return _MARK
    if 0x1F3FB <= code <= 0x1F3FF:
        return _MODIFIER
    if 0x1F1E6 <= code <= 0x1F1FF:
        return _REGIONAL
    if category[0] == "L" and any(lo <= code <= hi for lo, hi in _CJK_RANGES):
        return _CJK
    if category[0] in "LN":
        return _WORD
    if category[0] == "P":
        return _PUNCT
    return _SYMBOL  # S*, private use and unassigned code points


def _next_class(classes: list[int], i: int) -> int | None:
    """Return the class of the first visible character after index ``i``."""
    # An index loop, not a slice: a slice would copy the tail on every call.
    for j in range(i + 1, len(classes)):
        if classes[j] != _DROP:
            return classes[j]
    return None


class _Scanner:
    """Groups classified characters into tokens in one left-to-right pass."""

    def __init__(self, text: str, classes: list[int]) -> None:
        self.text, self.classes = text, classes
        self.tokens: list[str] = []
        self.current: list[str] = []
        self.kind: int | None = None  # class of the current token's base character
        self.joined = False  # the current symbol ends in a ZWJ that wants one more
        self.half_flag = False  # the current token is a lone regional indicator

    def run(self) -> list[str]:
        """Return the tokens of the whole text."""
        for i, (ch, cls) in enumerate(zip(self.text, self.classes, strict=True)):
            if cls == _SPACE:
                self._finish()
            elif self._extends(i, ch, cls):
                self.current.append(ch)
            elif cls not in (_DROP, _TAG, _ZWJ_CLASS):  # stray invisibles just vanish
                self._start(ch, cls)
        self._finish()
        return self.tokens

    def _finish(self) -> None:
        """Close the current token, if any."""
        if self.current:
            self.tokens.append("".join(self.current))
            self.current.clear()
        self.kind, self.joined, self.half_flag = None, False, False

    def _start(self, ch: str, cls: int) -> None:
        """Close the current token and begin a new one with ``ch``."""
        self._finish()
        self.current.append(ch)
        self.kind = cls if cls in (_WORD, _PUNCT, _CJK) else _SYMBOL
        self.half_flag = cls == _REGIONAL

    def _extends(self, i: int, ch: str, cls: int) -> bool:
        """True if ``ch`` (at index ``i``) belongs to the current token."""
        if not self.current:
            return False
        if cls == _WORD:
            return self.kind == _WORD
        if cls == _MARK:  # combining marks and variation selectors join anything
            if unicodedata.category(ch) == "Me":  # keycap "1" + U+20E3 is a symbol
                self.kind = _SYMBOL
            return True
        if cls == _PUNCT:  # "don't", "well-known"; "students'" and "pre-" split
            return self.kind == _WORD and ch in _WORD_JOINERS and _next_class(self.classes, i) == _WORD
        return self.kind == _SYMBOL and self._extends_symbol(i, cls)

    def _extends_symbol(self, i: int, cls: int) -> bool:
        """True if a character of class ``cls`` continues the current emoji."""
        if cls == _ZWJ_CLASS:  # keep a ZWJ only if another symbol follows it
            self.joined = _next_class(self.classes, i) in (_SYMBOL, _REGIONAL)
            return self.joined
        if cls in (_TAG, _MODIFIER):  # subdivision-flag tags, skin tones
            return True
        if cls == _REGIONAL and self.half_flag:  # second half of a country flag
            self.half_flag = False
            return True
        if cls in (_SYMBOL, _REGIONAL) and self.joined:
            self.joined = False
            return True
        return False
