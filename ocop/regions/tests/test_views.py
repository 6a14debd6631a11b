"""The <option> fragments that commune pickers load with htmx."""

import re

from django.test import TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import UserFactory
from ocop.regions.models import Commune, LegacyCommune

OPTION = re.compile(r'<option value="(\d+)"( selected)?>([^<]*)</option>')


def options(response):
    return OPTION.findall(response.content.decode())


class CommuneOptionsTests(TestCase):
    url = reverse("regions:commune_options")

    @classmethod
    def setUpTestData(cls):
        cls.user = UserFactory()

    def setUp(self):
        self.client.force_login(self.user)

    def test_anonymous_is_sent_to_login(self):
        self.client.logout()
        response = self.client.get(self.url, {"province": "11", "q": "mu"})
        self.assertRedirects(
            response,
            f"{reverse('accounts:login')}?next={self.url}%3Fprovince%3D11%26q%3Dmu",
            fetch_redirect_response=False,
        )
        self.assertNotIn(b"<option", response.content)

    def test_only_communes_of_the_requested_province_matching_q(self):
        response = self.client.get(self.url, {"province": "11", "q": "mu"})
        self.assertEqual(response.status_code, 200)
        codes = [code for code, _, _ in options(response)]
        self.assertIn("03256", codes)
        self.assertEqual(len(codes), 14)  # the 13 Mường … communes of Điện Biên and Sam Mứn
        self.assertEqual(
            set(Commune.objects.filter(code__in=codes).values_list("province", flat=True)),
            {"11"},
        )
        self.assertNotContains(response, "Bình Lư")  # Lai Châu

    def test_q_ignores_tone_marks_and_case(self):
        plain = options(self.client.get(self.url, {"province": "11", "q": "muong ang"}))
        marked = options(self.client.get(self.url, {"province": "11", "q": "MƯỜNG ẢNG"}))
        self.assertEqual(plain, [("03256", "", "Xã Mường Ảng")])
        self.assertEqual(marked, plain)

    def test_names_starting_with_q_come_before_names_containing_it(self):
        names = [
            name
            for _, _, name in options(self.client.get(self.url, {"province": "11", "q": "thanh"}))
        ]
        self.assertEqual(names[-1], "Phường Mường Thanh")
        self.assertTrue(all(" Thanh " in f" {name} " for name in names))

    def test_at_most_50_options(self):
        response = self.client.get(self.url, {"province": "01"})
        self.assertEqual(len(options(response)), 50)

    def test_the_selected_commune_is_marked(self):
        response = self.client.get(self.url, {"province": "11", "q": "muong", "selected": "03256"})
        selected = [code for code, mark, _ in options(response) if mark]
        self.assertEqual(selected, ["03256"])

    def test_bad_province_gives_an_empty_fragment(self):
        for province in ["", "1", "111", "zz", "١١", "'; DROP TABLE regions_commune; --", "11\x00"]:
            with self.subTest(repr(province)):
                response = self.client.get(self.url, {"province": province, "q": "mu"})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.content.strip(), b"")
        response = self.client.get(self.url)
        self.assertEqual((response.status_code, response.content.strip()), (200, b""))
        self.assertEqual(Commune.objects.count(), 3321)

    def test_odd_q_gives_no_error(self):
        for q in ["%", "_", "'", "\x00", "x" * 5000, "🙂"]:
            with self.subTest(repr(q)[:20]):
                response = self.client.get(self.url, {"province": "11", "q": q})
                self.assertEqual(response.status_code, 200)

    def test_query_count_is_the_same_for_5_and_50_options(self):
        # session, user, communes
        with self.assertNumQueries(3):
            response = self.client.get(self.url, {"province": "11", "q": "ph"})
        self.assertEqual(len(options(response)), 5)
        with self.assertNumQueries(3):
            response = self.client.get(self.url, {"province": "01"})
        self.assertEqual(len(options(response)), 50)


class LegacyCommuneOptionsTests(TestCase):
    url = reverse("regions:legacy_commune_options")

    @classmethod
    def setUpTestData(cls):
        cls.user = UserFactory()

    def setUp(self):
        self.client.force_login(self.user)

    def test_anonymous_is_sent_to_login(self):
        self.client.logout()
        response = self.client.get(self.url, {"district": "102"})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))

    def test_communes_of_a_legacy_district(self):
        response = self.client.get(self.url, {"district": "102"})
        codes = {code for code, _, _ in options(response)}
        self.assertEqual(
            codes, set(LegacyCommune.objects.filter(district="102").values_list("code", flat=True))
        )
        self.assertEqual(len(codes), 10)

    def test_communes_of_a_legacy_province_name_their_district(self):
        response = self.client.get(self.url, {"province": "11", "q": "ang"})
        self.assertIn(("03307", "", "Xã Ẳng Nưa (Huyện Mường Ảng)"), options(response))
        codes = [code for code, _, _ in options(response)]
        self.assertEqual(
            set(
                LegacyCommune.objects.filter(code__in=codes).values_list(
                    "district__province", flat=True
                )
            ),
            {"11"},
        )

    def test_bad_district_or_province_gives_an_empty_fragment(self):
        for params in [{"district": "1"}, {"district": "abc"}, {"province": "x"}, {}]:
            with self.subTest(params):
                response = self.client.get(self.url, params)
                self.assertEqual((response.status_code, response.content.strip()), (200, b""))

    def test_query_count_is_the_same_for_5_and_50_options(self):
        # session, user, legacy communes joined to their district
        with self.assertNumQueries(3):
            response = self.client.get(self.url, {"district": "098", "q": "t"})
        self.assertEqual(len(options(response)), 5)
        with self.assertNumQueries(3):
            response = self.client.get(self.url, {"province": "01"})
        self.assertEqual(len(options(response)), 50)
