import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ocop.core.text import fold, normalize


@pytest.mark.parametrize(
    "text",
    [
        "Điện Biên",
        "ĐIỆN BIÊN",
        "dien bien",
        "  điện   biên ",
        unicodedata.normalize("NFD", "Điện Biên"),
    ],
)
def test_fold_ignores_case_tones_d_stroke_and_normal_form(text):
    assert fold(text) == "dien bien"


def test_fold_of_empty_values_is_empty():
    assert fold(None) == ""
    assert fold("") == ""


def test_normalize_keeps_diacritics_and_composes():
    assert normalize(unicodedata.normalize("NFD", " Mường  Ảng ")) == "Mường Ảng"


def _fold_by_category(text):
    """The definition fold keeps: drop every non-spacing mark (Unicode category Mn)."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.lower())
    kept = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    kept = kept.replace("đ", "d").replace("Đ", "d")
    return " ".join(unicodedata.normalize("NFC", kept).split())


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
@example("Xã Ẳng Nưa, Huyện Mường Ảng")
@example("हिन्दी ñ ü")
def test_fold_drops_every_non_spacing_mark(text):
    """The fast path (the combining block) gives the same result as the definition."""
    assert fold(text) == _fold_by_category(text)
