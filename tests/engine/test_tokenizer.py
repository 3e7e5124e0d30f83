"""Tests of engine.tokenizer: word-level tokens for display and their lookup form."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.tokenizer import normalize, tokenize

BANK_SENTENCE = "I went to the bank to deposit money near the river bank."


def test_bank_sentence_gives_thirteen_tokens():
    """The explainer's sentence splits into its 12 words and the final full stop."""
    assert tokenize(BANK_SENTENCE) == [
        "I", "went", "to", "the", "bank", "to", "deposit",
        "money", "near", "the", "river", "bank", ".",
    ]  # fmt: skip


@pytest.mark.parametrize("text", ["", " ", "   \t\n ", "\u200b", "\u200b \ufeff"])
def test_empty_or_blank_text_gives_no_tokens(text):
    """Empty, whitespace-only or invisible-only text has no tokens."""
    assert tokenize(text) == []


def test_every_punctuation_mark_is_its_own_token():
    """Punctuation splits from words, and a run of marks gives one token per mark."""
    assert tokenize("Wait... really?!") == ["Wait", ".", ".", ".", "really", "?", "!"]
    assert tokenize("(bank)") == ["(", "bank", ")"]


def test_internal_apostrophes_and_hyphens_stay_inside_words():
    """Apostrophes and hyphens between letters belong to the word."""
    assert tokenize("Don't stop the well-known bank's e-mail") == [
        "Don't", "stop", "the", "well-known", "bank's", "e-mail",
    ]  # fmt: skip
    assert tokenize("don\u2019t") == ["don\u2019t"]


def test_edge_apostrophes_and_hyphens_split_off():
    """An apostrophe or hyphen at a word's edge, or doubled, is punctuation."""
    assert tokenize("students' 'tis pre- x--y") == [
        "students", "'", "'", "tis", "pre", "-", "x", "-", "-", "y",
    ]  # fmt: skip


def test_case_is_kept_for_display():
    """Tokens keep the case the user typed; only the lookup form folds it."""
    assert tokenize("The BANK") == ["The", "BANK"]


def test_whitespace_of_any_kind_separates():
    """Newlines, tabs and non-breaking spaces all separate words."""
    assert tokenize("a\nb\tc\u00a0d\r\ne") == ["a", "b", "c", "d", "e"]


def test_nfc_equivalent_spellings_give_the_same_token():
    """A combining accent and a precomposed letter give one identical NFC token."""
    decomposed, composed = tokenize("cafe\u0301"), tokenize("caf\u00e9")
    assert decomposed == composed == ["caf\u00e9"]


def test_zero_width_and_control_characters_are_dropped_without_splitting():
    """Invisible characters vanish and do not cut a word in two."""
    assert tokenize("ban\u200bk\u00ad \ufeffriver\u200e\x07") == ["bank", "river"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I \u2764\ufe0f it", ["I", "\u2764\ufe0f", "it"]),
        ("\U0001f44d\U0001f3fb\U0001f44d", ["\U0001f44d\U0001f3fb", "\U0001f44d"]),
        ("\U0001f469\u200d\U0001f4bb!", ["\U0001f469\u200d\U0001f4bb", "!"]),
        ("\U0001f1ec\U0001f1e7\U0001f1eb\U0001f1f7", ["\U0001f1ec\U0001f1e7", "\U0001f1eb\U0001f1f7"]),
        ("#\ufe0f\u20e3", ["#\ufe0f\u20e3"]),
        ("bank\U0001f3e6money", ["bank", "\U0001f3e6", "money"]),
    ],
)  # fmt: skip
def test_emoji_are_single_tokens(text, expected):
    """An emoji with its selector, skin tone or ZWJ partners is one token."""
    assert tokenize(text) == expected


def test_right_to_left_text_keeps_logical_order():
    """Arabic and Hebrew words come out in reading order with their marks intact."""
    assert tokenize("\u0645\u0631\u062d\u0628\u0627 \u0628\u0643\u0645\u061f") == [
        "\u0645\u0631\u062d\u0628\u0627", "\u0628\u0643\u0645", "\u061f",
    ]  # fmt: skip
    hebrew = "\u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd"  # shalom, with vowel points
    assert tokenize(f"\u200f{hebrew}") == [unicodedata.normalize("NFC", hebrew)]


def test_cjk_characters_are_one_token_each():
    """Chinese has no spaces, so each ideograph is a token; Korean words stay whole."""
    assert tokenize("\u6211\u7231\u4f60\u3002") == ["\u6211", "\u7231", "\u4f60", "\u3002"]
    assert tokenize("\ud55c\uad6d\uc5b4 \ubb38\uc7a5") == ["\ud55c\uad6d\uc5b4", "\ubb38\uc7a5"]


def test_combining_marks_stay_with_their_letters():
    """Devanagari vowel signs and viramas are part of the word, not separate tokens."""
    assert tokenize("\u0939\u093f\u0928\u094d\u0926\u0940 \u092d\u093e\u0937\u093e") == [
        "\u0939\u093f\u0928\u094d\u0926\u0940", "\u092d\u093e\u0937\u093e",
    ]  # fmt: skip


def test_ten_thousand_words_tokenise():
    """A 10,000-word text tokenises completely (speed is measured in benchmarks)."""
    text = " ".join(["The bank, don't well-known river."] * 2000)  # 5 words each
    assert len(tokenize(text)) == 2000 * 7  # 5 words plus "," and "."


def test_tokenize_rejects_non_strings():
    """Passing bytes or None is a programming error, reported as TypeError."""
    with pytest.raises(TypeError):
        tokenize(b"bank")  # type: ignore[arg-type]


def test_normalize_folds_case_and_composes():
    """The lookup form is NFC and case-folded."""
    assert normalize("Bank") == "bank"
    assert normalize("STRASSE") == normalize("Stra\u00dfe") == "strasse"
    assert normalize("CAFE\u0301") == "caf\u00e9"


@given(st.text())
def test_tokens_are_nfc_and_never_blank(text):
    """Every token is non-empty, NFC and free of whitespace, for any input."""
    for token in tokenize(text):
        assert token
        assert unicodedata.is_normalized("NFC", token)
        assert not any(ch.isspace() for ch in token)


@given(st.text())
def test_tokenize_is_stable_under_nfc(text):
    """Normalising the input first never changes the tokens."""
    assert tokenize(unicodedata.normalize("NFC", text)) == tokenize(text)


@given(st.text())
def test_normalize_is_idempotent(text):
    """Looking up a lookup form gives the same form."""
    assert normalize(normalize(text)) == normalize(text)


@given(st.lists(st.from_regex(r"[A-Za-z]+(-[A-Za-z]+)?", fullmatch=True), max_size=20))
def test_space_separated_words_round_trip(words):
    """Plain words joined by spaces come back exactly."""
    assert tokenize(" ".join(words)) == words
