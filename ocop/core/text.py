"""Vietnamese text folding: the one place that decides how names are compared and searched."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Return `text` in NFC, lower-case, without tone marks or other diacritics, with đ → d and
    runs of white space collapsed: "  ĐIỆN   Biên " and "dien bien" both fold to "dien bien"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    stripped = stripped.replace("đ", "d").replace("Đ", "d")
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped)).strip()


def normalize(text: str | None) -> str:
    """NFC with collapsed white space, keeping case and diacritics (for what people type)."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
