from django.test import SimpleTestCase

from ocop.core.templatetags.ocop import tel_href


class TelHrefTests(SimpleTestCase):
    def test_only_the_digits_and_a_leading_plus_are_dialled(self):
        self.assertEqual(tel_href("0000000000 (mẫu)"), "tel:0000000000")
        self.assertEqual(tel_href("0215 3826 111"), "tel:02153826111")
        self.assertEqual(tel_href("+84 215-3826-111"), "tel:+842153826111")
        self.assertEqual(tel_href("12+34"), "tel:1234")
        self.assertEqual(tel_href(None), "tel:")


class PointsTests(SimpleTestCase):
    def test_scores_are_written_with_the_languages_decimal_mark(self):
        from decimal import Decimal

        from django.utils import translation

        from ocop.core.numbers import points
        from ocop.core.templatetags.ocop import points_list

        with translation.override("vi"):
            self.assertEqual(points(Decimal("65.40")), "65,40")
            self.assertEqual(points(Decimal("66.00")), "66")
            self.assertEqual(points(67.0), "67")
            self.assertEqual(points(None), "—")
            self.assertEqual(points_list([Decimal("67.0"), Decimal("63.5")]), "67 · 63,50")
        with translation.override("en"):
            self.assertEqual(points(Decimal("65.40")), "65.40")


class FigureTests(SimpleTestCase):
    def test_table_figures_group_counts_and_write_fractions_like_scores(self):
        import datetime
        from decimal import Decimal

        from django.utils import translation

        from ocop.core.numbers import figure

        with translation.override("vi"):
            self.assertEqual(figure(20412), "20.412")
            self.assertEqual(figure(Decimal("1.50")), "1,50")
            self.assertEqual(figure(3), "3")
            self.assertEqual(figure("Điện Biên"), "Điện Biên")
            self.assertIs(figure(True), True)
            day = datetime.date(2026, 12, 7)
            self.assertEqual(figure(day), day)
        with translation.override("en"):
            self.assertEqual(figure(20412), "20,412")
            self.assertEqual(figure(Decimal("1.50")), "1.50")
