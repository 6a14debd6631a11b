from django.test import SimpleTestCase

from ocop.stats.exports import SHEET_TITLE_LENGTH, _sheet_title


class SheetTitleTests(SimpleTestCase):
    def test_a_long_title_is_cut_at_a_word_with_an_ellipsis(self):
        title = "Chứng nhận sắp hết hạn trong 180 ngày tới"
        name = _sheet_title(title)
        self.assertLessEqual(len(name), SHEET_TITLE_LENGTH)
        self.assertTrue(name.endswith("…"))
        self.assertTrue(title.startswith(name[:-1]))
        self.assertIn(title[len(name) - 1], " ")  # the cut falls between two words

    def test_forbidden_characters_go_and_repeated_names_are_numbered(self):
        self.assertEqual(_sheet_title("Sao [1/2]: *?"), "Sao 1 2")
        self.assertEqual(_sheet_title("Sao", ["Sao"]), "Sao (2)")
        self.assertEqual(_sheet_title("Sao", ["Sao", "Sao (2)"]), "Sao (3)")
        self.assertEqual(_sheet_title(""), "Sheet")
