import unicodedata

import pytest

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
