from django.test import SimpleTestCase

from ocop.core.templatetags.ocop import tel_href


class TelHrefTests(SimpleTestCase):
    def test_only_the_digits_and_a_leading_plus_are_dialled(self):
        self.assertEqual(tel_href("0000000000 (mẫu)"), "tel:0000000000")
        self.assertEqual(tel_href("0215 3826 111"), "tel:02153826111")
        self.assertEqual(tel_href("+84 215-3826-111"), "tel:+842153826111")
        self.assertEqual(tel_href("12+34"), "tel:1234")
        self.assertEqual(tel_href(None), "tel:")
