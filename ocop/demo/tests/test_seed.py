import re
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from ocop.accounts.models import Membership, User
from ocop.accounts.scope import official_scope
from ocop.demo.seed import DEMO_PASSWORD, SeedError, iter_products, read_data, seed
from ocop.evaluations.models import Round
from ocop.producers.models import Producer, ProducerMember
from ocop.products.codes import check_code_for_producer, validate_code
from ocop.products.models import ALL_MONTHS, Product
from ocop.regions.models import CommuneSuccession

from .base import FilesInTemporaryFolder

DIEN_BIEN, LAI_CHAU = "11", "12"
DEMO_USERNAMES = [
    "admin",
    "trunguong",
    "dienbien",
    "laichau",
    "tuachua",
    "huonglinh",
    "htxmau",
    "muongthanh",
    "htxong",
    "htxrau",
    "chutich",
    "thuky",
    "hoidong1",
    "hoidong2",
    "hoidong3",
    "tuvan",
]
COUNCIL_ROLES = {
    "chutich": "council chair",
    "thuky": "council secretary",
    "hoidong1": "council member",
    "hoidong2": "council member",
    "hoidong3": "council member",
    "tuvan": "council adviser (does not score)",
}
HUONG_LINH = "Công ty TNHH MTV Hương Linh"
XA_TUA_CHUA = "03217"

# The real names of shared/domain.md, written out here (not read from the data file) so a test
# fails if the data file loses one or marks one as sample.
REAL_PRODUCTS_BY_FEBRUARY_2023 = {
    "Trà xanh Shan tuyết cổ thụ Tủa Chùa": 3,
    "Bạch trà Shan tuyết cổ thụ Tủa Chùa": 3,
    "Trà xanh Shan tuyết Sính Phình": 3,
    "Cà phê bột Hà Chung": 4,
    "Trà Shan tuyết P.H.1.4": 4,
    "Gạo Séng Cù Trường Hương": 3,
    "Gạo nếp nương Tâm Thiện": 3,
    "Mật ong bánh tổ": 4,
    "Thịt trâu sấy Lò Duyên": 3,
}
REAL_PRODUCTS_OF_2023 = {
    "Trà xanh Phan Nhất",
    "Cà phê Arabica hạt rang Hồng Kỳ HK13",
    "Cà phê Arabica hạt rang Hồng Kỳ HK10",
}
LEGACY_DISTRICTS = {"094", "095", "096", "097", "098", "099", "100", "101", "102", "103"}
CODE = re.compile(r"^11-(\d{5})-(\d{3})-(\d{4})$")


def snapshot():
    """Everything the seed writes, with the timestamps that a needless save would move."""
    return {
        "users": list(User.objects.order_by("username").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "producer_members": list(ProducerMember.objects.order_by("pk").values()),
        "producers": list(Producer.objects.order_by("pk").values()),
        "products": list(Product.objects.order_by("pk").values()),
    }


class SeedDemoTests(FilesInTemporaryFolder, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = read_data()
        cls.first_report = seed(cls.data)
        cls.intended = {
            product["code"]: product
            for _, product in iter_products(cls.data)
            if product["recognition_year"] is not None
        }  # code → data row (star and year live only in the data file for now)

    def dien_bien_products(self):
        """The recognised products (the four sample products of the evaluation demo, filed
        for a first rating, have neither a code nor a recognition yet)."""
        return (
            Product.objects.filter(producer__province_id=DIEN_BIEN)
            .exclude(code="")
            .select_related("producer__commune", "producer__province")
        )

    def test_province_has_56_products_by_february_2023_and_3_more_in_2023(self):
        products = list(self.dien_bien_products())
        years = [int(CODE.match(product.code).group(3)) for product in products]
        self.assertEqual(len(products), 59)
        self.assertEqual(sum(year <= 2022 for year in years), 56)
        self.assertEqual(sum(year == 2023 for year in years), 3)

    def test_february_2023_set_has_4_four_star_and_52_three_star_products(self):
        stars = [
            self.intended[product.code]["intended_star"]
            for product in self.dien_bien_products()
            if self.intended[product.code]["recognition_year"] <= 2022
        ]
        self.assertEqual((stars.count(4), stars.count(3), len(stars)), (4, 52, 56))

    def test_recognition_years_follow_the_reported_growth(self):
        years = [
            self.intended[product.code]["recognition_year"] for product in self.dien_bien_products()
        ]
        self.assertEqual(years.count(2019), 26)  # 26 products in 2019
        # 44 were reported in September 2022: the 42 of 2019-2021 and the first of 2022.
        self.assertEqual(sum(year <= 2021 for year in years), 42)
        self.assertEqual(sum(year <= 2022 for year in years), 56)  # 56 in February 2023

    def test_real_products_are_flagged_real_with_their_stars_and_everything_else_is_sample(self):
        real = {
            product.name: self.intended[product.code]["intended_star"]
            for product in Product.objects.filter(is_sample=False)
        }
        expected = dict(REAL_PRODUCTS_BY_FEBRUARY_2023) | dict.fromkeys(REAL_PRODUCTS_OF_2023, 4)
        self.assertEqual(real, expected)
        samples = Product.objects.filter(is_sample=True)
        # 47 recognised, and the 4 of the evaluation demo's first ratings
        self.assertEqual(samples.count(), 51)
        for product in samples.select_related("producer"):
            self.assertIn("(mẫu)", product.name)
            self.assertTrue(product.producer.is_sample, product.name)

    def test_sample_producers_say_so_and_real_producers_have_no_invented_legal_details(self):
        for producer in Producer.objects.filter(is_sample=True):
            self.assertIn("(mẫu)", producer.name)
        real = Producer.objects.filter(is_sample=False)
        self.assertIn(HUONG_LINH, set(real.values_list("name", flat=True)))
        for producer in real:
            self.assertEqual(
                (producer.registration_number, producer.phone, producer.representative_name),
                ("", "", ""),
                producer.name,
            )
            self.assertFalse(producer.products.filter(is_sample=True).exists(), producer.name)

    def test_real_products_carry_no_invented_prices(self):
        real = Product.objects.filter(is_sample=False)
        self.assertFalse(real.exclude(price_min=None, price_max=None).exists())

    def test_every_product_code_is_valid_and_names_the_producers_commune(self):
        products = list(self.dien_bien_products())
        for product in products:
            code = validate_code(product.code)
            self.assertEqual(str(code), product.code)
            self.assertEqual(check_code_for_producer(code, product.producer), [], product.code)
            self.assertEqual(code.year, self.intended[product.code]["recognition_year"])
        self.assertEqual(len({product.code for product in products}), len(products))

    def test_sequence_numbers_count_up_in_each_commune(self):
        by_commune = {}
        for product in self.dien_bien_products():
            commune, sequence, _ = CODE.match(product.code).groups()
            by_commune.setdefault(commune, []).append(int(sequence))
        for commune, sequences in by_commune.items():
            self.assertEqual(sorted(sequences), list(range(1, len(sequences) + 1)), commune)

    def test_every_producer_is_in_a_dien_bien_commune_that_succeeded_its_legacy_commune(self):
        producers = Producer.objects.select_related("commune", "legacy_commune__district")
        self.assertEqual(producers.count(), 39)
        for producer in producers:
            self.assertEqual(producer.province_id, DIEN_BIEN, producer.name)
            self.assertEqual(producer.commune.province_id, DIEN_BIEN, producer.name)
            self.assertEqual(producer.legacy_commune.district.province_id, DIEN_BIEN)
            self.assertTrue(
                CommuneSuccession.objects.filter(
                    legacy_commune=producer.legacy_commune, commune=producer.commune
                ).exists(),
                producer.name,
            )

    def test_sample_producers_cover_all_ten_legacy_districts(self):
        districts = set(
            Producer.objects.filter(is_sample=True).values_list(
                "legacy_commune__district_id", flat=True
            )
        )
        self.assertEqual(districts, LEGACY_DISTRICTS)

    def test_sample_products_have_unit_packaging_price_range_and_season(self):
        for product in Product.objects.filter(is_sample=True):
            self.assertTrue(product.unit and product.packaging, product.name)
            self.assertLess(0, product.price_min, product.name)
            self.assertLessEqual(product.price_min, product.price_max, product.name)
            self.assertTrue(0 < product.available_months <= ALL_MONTHS, product.name)
        self.assertTrue(
            Product.objects.filter(is_sample=True).exclude(available_months=ALL_MONTHS).exists()
        )

    def test_products_use_the_scoring_set_of_their_kind(self):
        sets = dict(Product.objects.values_list("name", "scoring_set_id"))
        self.assertEqual(sets["Trà xanh Shan tuyết cổ thụ Tủa Chùa"], 11)
        self.assertEqual(sets["Cà phê bột Hà Chung"], 13)
        self.assertEqual(sets["Gạo Séng Cù Trường Hương"], 3)
        self.assertEqual(sets["Mật ong bánh tổ"], 4)
        self.assertEqual(sets["Thịt trâu sấy Lò Duyên"], 8)
        self.assertLessEqual({12, 21, 22}, set(sets.values()))

    def test_running_again_creates_nothing_and_changes_nothing(self):
        before = snapshot()
        report = seed(self.data)
        self.assertFalse(report.changed_anything, list(report.lines()))
        self.assertEqual(snapshot(), before)

    def test_running_again_restores_an_edited_demo_row_and_only_that_row(self):
        product = Product.objects.get(name="Gạo tám thơm Mường Thanh (mẫu)")
        original_price = product.price_max
        Product.objects.filter(pk=product.pk).update(price_max=original_price + 1)
        User.objects.filter(username="dienbien").update(full_name="Changed")
        counts = (Producer.objects.count(), Product.objects.count(), User.objects.count())

        report = seed(self.data)

        product.refresh_from_db()
        self.assertEqual(product.price_max, original_price)
        self.assertEqual(
            User.objects.get(username="dienbien").full_name[:22], "Văn phòng OCOP tỉnh Đi"
        )
        self.assertEqual(report.updated["products.Product"], 1)
        self.assertEqual(report.updated["accounts.User"], 1)
        self.assertEqual(report.created.total(), 0)
        self.assertEqual(
            (Producer.objects.count(), Product.objects.count(), User.objects.count()), counts
        )

    def test_first_run_reports_what_it_created(self):
        self.assertEqual(self.first_report.created["producers.Producer"], 39)
        self.assertEqual(self.first_report.created["products.Product"], 63)
        self.assertEqual(self.first_report.created["accounts.User"], 16)


class DemoAccountTests(FilesInTemporaryFolder, TestCase):
    @classmethod
    def setUpTestData(cls):
        seed()

    def scope_of(self, username):
        return official_scope(User.objects.get(username=username))

    def test_admin_is_a_superuser_and_central_office_sees_the_whole_country(self):
        admin = User.objects.get(username="admin")
        self.assertTrue(admin.is_superuser and admin.is_staff)
        self.assertTrue(self.scope_of("trunguong").is_national)
        self.assertFalse(User.objects.get(username="trunguong").is_superuser)

    def test_provincial_offices_govern_their_own_province_only(self):
        self.assertEqual(self.scope_of("dienbien").province_codes, {DIEN_BIEN})
        self.assertEqual(self.scope_of("laichau").province_codes, {LAI_CHAU})
        self.assertFalse(self.scope_of("dienbien").is_national)

    def test_lai_chau_office_sees_no_dien_bien_producer_or_product(self):
        laichau = User.objects.get(username="laichau")
        self.assertFalse(Producer.objects.visible_to(laichau).exists())
        self.assertFalse(Product.objects.visible_to(laichau).exists())
        dienbien = User.objects.get(username="dienbien")
        self.assertEqual(Product.objects.visible_to(dienbien).count(), 63)

    def test_commune_officer_sees_the_producers_of_huong_linhs_commune_only(self):
        officer = User.objects.get(username="tuachua")
        self.assertEqual(official_scope(officer).commune_codes, {XA_TUA_CHUA})
        visible = Producer.objects.visible_to(officer)
        self.assertIn(HUONG_LINH, set(visible.values_list("name", flat=True)))
        self.assertEqual(set(visible.values_list("commune_id", flat=True)), {XA_TUA_CHUA})
        self.assertEqual(visible.count(), Producer.objects.filter(commune_id=XA_TUA_CHUA).count())

    def test_producer_members_see_their_own_producer_only(self):
        huonglinh = User.objects.get(username="huonglinh")
        self.assertFalse(official_scope(huonglinh).is_official)
        self.assertEqual(
            list(Producer.objects.visible_to(huonglinh).values_list("name", flat=True)),
            [HUONG_LINH],
        )
        self.assertEqual(Product.objects.visible_to(huonglinh).count(), 3)
        sample_member = User.objects.get(username="htxmau")
        (producer,) = Producer.objects.visible_to(sample_member)
        self.assertTrue(producer.is_sample)

    def test_every_demo_account_logs_in_with_the_demo_password(self):
        usernames = [row["username"] for row in read_data()["users"]]
        self.assertEqual(usernames, DEMO_USERNAMES)
        for username in usernames:
            self.assertTrue(self.client.login(username=username, password=DEMO_PASSWORD), username)
            self.client.logout()

    def test_a_changed_demo_password_is_reset_by_the_next_seed(self):
        user = User.objects.get(username="huonglinh")
        user.set_password("something-else-entirely")
        user.save()
        seed()
        user.refresh_from_db()
        self.assertTrue(user.check_password(DEMO_PASSWORD))


class SeedCheckTests(TestCase):
    def test_unknown_commune_is_refused_and_nothing_is_written(self):
        data = read_data()
        data["producers"][0]["commune"] = "99999"
        with self.assertRaisesMessage(SeedError, "commune 99999 does not exist"):
            seed(data)
        self.assertFalse(Producer.objects.exists())
        self.assertFalse(User.objects.exists())

    def test_legacy_commune_that_did_not_become_the_commune_is_refused(self):
        data = read_data()
        data["producers"][0]["legacy_commune"] = "03256"  # Mường Ảng, not Tủa Chùa
        data["producers"][0]["legacy_district"] = "102"
        with self.assertRaisesMessage(SeedError, "did not become commune 03217"):
            seed(data)
        self.assertFalse(Product.objects.exists())


class SeedDemoCommandTests(TestCase):
    def test_refuses_on_production_settings_and_writes_nothing(self):
        with override_settings(DEBUG=False), self.assertRaisesMessage(CommandError, "--force"):
            call_command("seed_demo", stdout=StringIO())
        self.assertFalse(User.objects.exists())

    def test_seeds_with_debug_and_says_nothing_changed_the_second_time(self):
        out = StringIO()
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=out)
            self.assertIn("63 products", out.getvalue())
            again = StringIO()
            call_command("seed_demo", stdout=again)
        self.assertIn("Nothing to change", again.getvalue())
        self.assertEqual(Product.objects.count(), 63)

    def test_force_seeds_without_debug(self):
        call_command("seed_demo", "--force", stdout=StringIO())
        self.assertEqual(User.objects.filter(email__endswith="@demo.ocop.invalid").count(), 16)


class DemoLoginsCommandTests(TestCase):
    def test_prints_the_address_and_every_demo_login_with_its_scope(self):
        seed()
        out = StringIO()
        call_command("demo_logins", "--host", "ocop.example.vn", "--port", "8080", stdout=out)
        text = out.getvalue()
        self.assertIn("http://ocop.example.vn:8080/", text)
        lines = {line.split()[0]: line for line in text.splitlines() if DEMO_PASSWORD in line}
        self.assertEqual(list(lines), DEMO_USERNAMES)
        self.assertIn("(11)", lines["dienbien"])
        self.assertIn("(12)", lines["laichau"])
        self.assertIn("(03217)", lines["tuachua"])
        self.assertIn(HUONG_LINH, lines["huonglinh"])
        self.assertIn("all provinces", lines["trunguong"])
        self.assertIn("(03334)", lines["muongthanh"])
        self.assertIn("HTX Nuôi ong Mường Báng (mẫu)", lines["htxong"])
        round_name = Round.objects.get().name
        for username, role in COUNCIL_ROLES.items():
            self.assertIn(role, lines[username])
            self.assertIn(f"council of Tỉnh Điện Biên, {round_name}", lines[username])
        self.assertNotIn("run `manage.py seed_demo`", text)

    def test_says_when_the_demo_has_not_been_seeded(self):
        out = StringIO()
        call_command("demo_logins", stdout=out)
        self.assertIn("http://127.0.0.1:8000/", out.getvalue())
        self.assertIn("run `manage.py seed_demo`", out.getvalue())
