"""Vietnamese text folding: the one place that decides how names are compared and searched."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_COMBINING = re.compile("[\u0300-\u036f]")


def fold(text: str | None) -> str:
    """Return `text` in NFC, lower-case, without tone marks or other diacritics, with đ → d and
    runs of white space collapsed: "  ĐIỆN   Biên " and "dien bien" both fold to "dien bien"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.lower())
    # Vietnamese marks are all in the combining block: one regex pass; what is left beyond
    # ASCII (other scripts' marks) takes the general, slower path.
    stripped = _COMBINING.sub("", decomposed).replace("đ", "d").replace("Đ", "d")
    if not stripped.isascii():
        stripped = "".join(char for char in stripped if unicodedata.category(char) != "Mn")
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped)).strip()


def normalize(text: str | None) -> str:
    """NFC with collapsed white space, keeping case and diacritics (for what people type)."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
