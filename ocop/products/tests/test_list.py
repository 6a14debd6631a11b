from urllib.parse import parse_qs

from django.test import TestCase, override_settings
from django.urls import reverse

from ocop.accounts.tests.factories import central_officer, commune_officer, province_officer
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products.models import Product, ScoringSet
from ocop.regions.tests.factories import BINH_LU, DIEN_BIEN_PHU, DOAN_KET, MUONG_ANG, commune

from .factories import ProductFactory

URL = reverse("products:product_list")


def names(response):
    return sorted(product.name for product in response.context["page"].object_list)


@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class ProductListFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.muong_ang = ProducerFactory(name="Công ty Hương Linh", commune=commune(MUONG_ANG))
        cls.dien_bien_phu = ProducerFactory(name="HTX Hồng Kỳ", commune=commune(DIEN_BIEN_PHU))
        cls.lai_chau = ProducerFactory(name="HTX Séng Cù", commune=commune(DOAN_KET))
        cls.tea = ProductFactory(
            producer=cls.muong_ang,
            name="Trà Shan tuyết cổ thụ",
            scoring_set=ScoringSet.objects.get(number=11),
        )
        cls.coffee = ProductFactory(
            producer=cls.dien_bien_phu,
            name="Cà phê Arabica HK10",
            scoring_set=ScoringSet.objects.get(number=13),
            available_months=Product.months_to_mask([10, 11, 12]),
        )
        cls.rice = ProductFactory(
            producer=cls.lai_chau,
            name="Gạo Séng Cù",
            code="12-03388-001-2026",
            scoring_set=ScoringSet.objects.get(number=3),
        )
        cls.central = central_officer()

    def setUp(self):
        self.client.force_login(self.central)

    def get(self, **params):
        response = self.client.get(URL, params)
        assert response.status_code == 200
        return response

    def test_national_user_sees_every_product_and_can_filter_by_province(self):
        assert names(self.get()) == ["Cà phê Arabica HK10", "Gạo Séng Cù", "Trà Shan tuyết cổ thụ"]
        assert names(self.get(province="12")) == ["Gạo Séng Cù"]

    def test_commune_filter_offers_the_communes_of_the_chosen_province(self):
        response = self.get(province="11", commune=DIEN_BIEN_PHU)
        assert names(response) == ["Cà phê Arabica HK10"]
        communes = dict(response.context["form"].fields["commune"].choices)
        assert MUONG_ANG in communes
        assert BINH_LU not in communes

    def test_commune_given_without_its_province_still_filters(self):
        assert names(self.get(commune=DIEN_BIEN_PHU)) == ["Cà phê Arabica HK10"]

    def test_producer_filter(self):
        assert names(self.get(producer=self.lai_chau.pk)) == ["Gạo Séng Cù"]

    def test_classification_filters(self):
        assert len(names(self.get(sector=1))) == 3
        assert names(self.get(sector=2)) == []
        assert names(self.get(group=6)) == ["Cà phê Arabica HK10"]
        assert names(self.get(scoring_set=11)) == ["Trà Shan tuyết cổ thụ"]

    def test_month_filter_keeps_products_in_season(self):
        assert names(self.get(month=1)) == ["Gạo Séng Cù", "Trà Shan tuyết cổ thụ"]
        assert len(names(self.get(month=11))) == 3

    def test_search_ignores_tone_marks_and_covers_producer_names(self):
        assert names(self.get(q="tra shan tuyet")) == ["Trà Shan tuyết cổ thụ"]
        assert names(self.get(q="hồng kỳ")) == ["Cà phê Arabica HK10"]

    def test_search_finds_an_exact_code_however_it_is_typed(self):
        assert names(self.get(q="12 – 3388 – 001 – 2026")) == ["Gạo Séng Cù"]
        assert names(self.get(q="12-03388-001")) == []

    def test_malformed_filters_are_reported_and_ignored(self):
        response = self.get(month="13", sector="99", province="XX", page="abc")
        assert len(names(response)) == 3
        assert response.text.count("This filter was ignored") == 3
        response = self.get(province="11", producer="abc", scoring_set="1; DROP")
        assert names(response) == ["Cà phê Arabica HK10", "Trà Shan tuyết cổ thụ"]
        assert response.text.count("This filter was ignored") == 2

    def test_official_cannot_widen_their_scope_with_filters(self):
        self.client.force_login(province_officer("12"))
        response = self.get(province="11")
        assert "province" not in response.context["form"].fields
        assert names(response) == ["Gạo Séng Cù"]
        response = self.get(producer=self.muong_ang.pk, commune=MUONG_ANG)
        assert names(response) == ["Gạo Séng Cù"]
        assert "Công ty Hương Linh" not in response.text

    def test_commune_officer_and_member_are_offered_no_place_filters(self):
        self.client.force_login(commune_officer(MUONG_ANG))
        form = self.get().context["form"]
        assert "province" not in form.fields
        assert "commune" not in form.fields
        self.client.force_login(producer_member(self.muong_ang))
        response = self.get()
        assert names(response) == ["Trà Shan tuyết cổ thụ"]
        assert "producer" not in response.context["form"].fields

    def test_pages_keep_the_filters(self):
        ProductFactory.create_batch(30, producer=self.muong_ang, name="Mật ong bạc hà")
        response = self.get(q="mat ong", scoring_set=11)
        page = response.context["page"]
        assert len(page.object_list) == 25
        assert page.count == 30
        assert page.next_query.startswith("q=mat+ong&scoring_set=11&cursor=")
        assert f'href="?{page.next_query.replace("&", "&amp;")}"' in response.text
        response = self.client.get(f"{URL}?{page.next_query}")
        assert len(response.context["page"].object_list) == 5
        # A link from before keyset pages still reaches the same rows.
        response = self.get(q="mat ong", scoring_set=11, page=2)
        assert len(response.context["page"].object_list) == 5

    def test_htmx_request_for_the_results_gets_only_the_results(self):
        response = self.client.get(
            URL, {"q": "gao"}, headers={"HX-Request": "true", "HX-Target": "results"}
        )
        assert response.status_code == 200
        assert "<html" not in response.text
        assert 'id="product-filters"' not in response.text
        assert response.text.strip().startswith('<div id="results"')
        assert "Gạo Séng Cù" in response.text
        assert "HX-Target" in response["Vary"]

    def test_full_page_has_the_filters_and_the_results(self):
        response = self.get()
        assert "<html" in response.text
        assert 'id="product-filters"' in response.text
        assert 'id="results"' in response.text


class ProductListQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")

    def assert_list_queries(self, count):
        ProductFactory.create_batch(count, producer__commune=commune(MUONG_ANG))
        self.client.force_login(self.officer)
        for page in ("1", "last"):
            # 1 session, 2 user, 3 the user's memberships (official scope), 4 scoring sets with
            # their groups and sectors (filter choices), 5 communes of the province (filter
            # choices), 6 visible producers (filter choices), 7 the page of products with
            # producer, province, commune and scoring set, 8 count of matching products,
            # 9 whether the user may add products.
            with self.subTest(page=page), self.assertNumQueries(9):
                response = self.client.get(URL, {"page": page})
            assert response.status_code == 200
            assert len(response.context["page"].object_list) == min(count, 25)

    def test_list_with_5_products(self):
        self.assert_list_queries(5)

    def test_list_with_50_products(self):
        self.assert_list_queries(50)


class BadInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.central = central_officer()
        cls.product = ProductFactory(producer__commune=commune(MUONG_ANG))

    def test_absurd_ids_and_parameters_are_404_or_ignored_never_500(self):
        self.client.force_login(self.central)
        huge = 10**30
        for url in [
            reverse("products:product_detail", args=[huge]),
            reverse("products:product_edit", args=[huge]),
            reverse("products:photo_file", args=[self.product.pk, huge]),
        ]:
            with self.subTest(url=url):
                assert self.client.get(url).status_code == 404
        response = self.client.get(
            URL, {"producer": str(huge), "page": str(huge), "q": "a\x00b", "commune": "x" * 500}
        )
        assert response.status_code == 200
        assert names(response) == [self.product.name]

    def test_a_tampered_or_foreign_cursor_shows_the_first_page(self):
        ProductFactory.create_batch(30, producer=self.product.producer, name="Mật ong bạc hà")
        self.client.force_login(self.central)
        first = self.client.get(URL).context["page"]
        cursor = parse_qs(first.next_query)["cursor"][0]
        for bad in (cursor[:-2] + "xx", cursor + "0", "abc", "\x00", "é" * 300):
            with self.subTest(cursor=bad[:20]):
                response = self.client.get(URL, {"cursor": bad})
                assert response.status_code == 200
                page = response.context["page"]
                assert not page.has_previous
                assert page.object_list == first.object_list
