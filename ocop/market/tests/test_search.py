"""Vietnamese-aware search: recall over demo-like data, ranking, hostile queries and the upkeep
of the index. The same tests run on SQLite (FTS5) and PostgreSQL (a GIN index of the words)."""

import re
import unicodedata

from django.db import connection
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ocop.certificates.signals import certificates_changed
from ocop.producers.models import Producer
from ocop.products.models import Product

from .. import search, words
from ..catalogue import listed_products
from ..models import Listing, SearchEntry
from .helpers import demo_catalogue, make_product

TEA = "Trà xanh Shan tuyết cổ thụ Tủa Chùa"
COFFEE = "Cà phê bột Hà Chung"
HONEY = "Mật ong bánh tổ"
RICE = "Gạo Séng Cù Trường Hương"
STICKY_RICE = "Gạo nếp nương Tâm Thiện"
BUFFALO = "Thịt trâu sấy Lò Duyên"
PH14 = "Trà Shan tuyết P.H.1.4"
HK13 = "Cà phê Arabica hạt rang Hồng Kỳ HK13"
SPIRIT = "Rượu ngô men lá Sáng Nhè (mẫu)"
BAMBOO = "Măng khô Mường Chà (mẫu)"
SCARF = "Khăn piêu thổ cẩm Thái (mẫu)"
TUBE = "Mắt ống tre đan (mẫu)"


def nfd(text):
    return unicodedata.normalize("NFD", text)


# (query, a product it must find). Case, tone marks, đ/d, NFC/NFD, extra spaces, partial
# words, and producer, commune (today and before 2025) and legacy district names.
RECALL = [
    ("tra shan", TEA),
    ("Trà Shan", TEA),
    ("TRÀ SHAN TUYẾT", TEA),
    ("  trà   shan    tuyết  ", TEA),
    (nfd("Trà Shan tuyết cổ thụ"), TEA),
    ("tra shan tuyet co thu tua chua", TEA),
    ("shan tuy", TEA),
    ("tủa chùa", TEA),
    ("TUA CHUA", TEA),
    ("hương linh", TEA),
    ("Huong Linh", TEA),
    ("ta phin", TEA),  # the producer's commune before July 2025 (Xã Tả Phìn)
    ("cà phê", COFFEE),
    ("ca phe ha chung", COFFEE),
    ("CÀ PHÊ BỘT", COFFEE),
    ("hà chung", COFFEE),
    ("mường ảng", COFFEE),  # the commune today
    ("muong ang", COFFEE),
    ("ẳng nưa", COFFEE),  # the commune before July 2025
    ("ang nua", COFFEE),
    ("huyện mường ảng", COFFEE),  # the district before July 2025
    ("huyen muong ang", HK13),
    ("mật ong", HONEY),
    ("mat ong banh to", HONEY),
    ("ong mật", HONEY),
    ("điện biên", HONEY),  # in the producer's name and the province
    ("dien bien", HONEY),
    ("ĐIỆN BIÊN", HONEY),
    ("đien bien", HONEY),  # mixed đ/d
    ("huyen dien bien", RICE),  # legacy district of Xã Thanh An
    ("séng cù", RICE),
    ("SENG CU", RICE),
    ("truong huong", RICE),
    ("trư", RICE),  # a partial word
    ("gao nep nuong", STICKY_RICE),
    ("Tâm Thiện", STICKY_RICE),
    ("thanh nua", STICKY_RICE),
    ("thịt trâu", BUFFALO),
    ("lo duyen", BUFFALO),
    ("dien bien phu", BUFFALO),  # the ward today
    ("him lam", BUFFALO),  # the ward before July 2025
    ("thanh pho dien bien phu", BUFFALO),  # the legacy city
    ("p.h.1.4", PH14),
    ("P.H.1.4", PH14),
    ("sinh phinh", PH14),
    ("hk13", HK13),
    ("Hồng Kỳ HK13", HK13),
    ("arab", HK13),
    ("ruou ngo", SPIRIT),
    ("rượu ngô sáng nhè", SPIRIT),
    ("mang kho", BAMBOO),
    ("muong cha", BAMBOO),
    ("khan pieu", SCARF),
    ("thổ cẩm", SCARF),
    ("tho cam thai", SCARF),
    (nfd("khăn piêu"), SCARF),
    ("mat ong", TUBE),  # folded, "Mắt ống" is also "mat ong"
]

HOSTILE = [
    '"',
    '""',
    "'",
    "*",
    "tra*",
    "*tra",
    "OR",
    "tra OR ca",
    "AND",
    "NOT",
    "tra NOT ca",
    "NEAR(",
    "NEAR(tra ca)",
    "NEAR(tra ca, 2)",
    "-",
    "-tra",
    "tra -shan",
    "(",
    ")",
    "((tra",
    "tra)",
    "^tra",
    "folded_text:tra",
    ":",
    "{tra ca}",
    "[",
    "+",
    "tra + ca",
    "%",
    "%%",
    "_",
    "\\",
    "'; DROP TABLE market_searchentry; --",
    "🍵 trà",
    "²⁰²⁶",
    "٣",
    "tra\x00shan",
    "x" * 10_240,
    "trà " * 3000,
]


class SearchRecallTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.products = demo_catalogue()
        cls.today = timezone.localdate()

    def names(self, text):
        return list(
            search.search(listed_products(self.today), text)
            .order_by("search_rank", "folded_name")
            .values_list("name", flat=True)
        )

    def test_at_least_forty_query_variants_find_their_product(self):
        self.assertGreaterEqual(len(RECALL), 40)
        misses = [(query, name) for query, name in RECALL if name not in self.names(query)]
        self.assertEqual(misses, [])

    def test_same_results_whatever_the_case_tone_marks_and_normal_form(self):
        expected = self.names("Điện Biên")
        self.assertTrue(expected)
        for variant in ["dien bien", "ĐIỆN BIÊN", "điện biên", nfd("Điện Biên"), " dien   BIEN "]:
            with self.subTest(variant=variant):
                self.assertCountEqual(self.names(variant), expected)

    def test_a_query_narrows_the_results(self):
        self.assertEqual(self.names("tra shan tuyet co thu"), [TEA])
        self.assertNotIn(HONEY, self.names("tra shan"))
        self.assertEqual(self.names("khong co san pham nay"), [])

    def test_exact_diacritic_matches_rank_first(self):
        self.assertEqual(self.names("mật ong")[0], HONEY)
        self.assertEqual(self.names("mắt ống")[0], TUBE)
        self.assertCountEqual(self.names("mat ong"), [HONEY, TUBE])

    def test_own_name_matches_rank_before_place_and_producer_matches(self):
        # "Mường Chà" is in the bamboo shoots' name; no other product's name has it.
        self.assertEqual(self.names("muong cha")[0], BAMBOO)

    def test_hostile_queries_give_results_or_nothing_never_an_error(self):
        for query in HOSTILE:
            with self.subTest(query=query[:30]):
                self.assertIsInstance(self.names(query), list)
                response = self.client.get(reverse("market:product_list"), {"q": query})
                self.assertEqual(response.status_code, 200)
        self.assertIn(TEA, self.names("tra*"))
        self.assertIn(TEA, self.names('"tra shan"'))
        self.assertIn(TEA, self.names("(tra) -shan"))  # signs are not operators
        self.assertEqual(SearchEntry.objects.count(), len(self.products))

    def test_a_query_without_letters_or_digits_finds_nothing(self):
        for query in ["*", '"', "()", "-", "%"]:
            with self.subTest(query=query):
                self.assertEqual(self.names(query), [])

    def test_the_search_reads_the_index_not_the_product_names(self):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                sql, params = search.search(
                    Product.objects.all(), "tra shan"
                ).query.sql_with_params()
                self.assertIn("market_searchentry_fts MATCH", sql)
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
                plan = " ".join(str(row) for row in cursor.fetchall())
                self.assertIn("VIRTUAL TABLE INDEX", plan)
            else:
                # With plain scans switched off, the words can only be matched through their
                # GIN index (on a table this small the planner would rather scan): the
                # entries' (the back office's search) and the listings' (the catalogue's).
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SET LOCAL enable_indexscan = off")
                terms = search.words("tra shan")
                for rows, index in [
                    (search.matching_product_ids(terms), "market_searchentry_folded_words"),
                    (
                        Listing.objects.filter(search.listing_match(terms)),
                        "market_listing_search_words",
                    ),
                ]:
                    sql, params = rows.query.sql_with_params()
                    cursor.execute(f"EXPLAIN {sql}", params)
                    plan = " ".join(row[0] for row in cursor.fetchall())
                    self.assertIn(f"Bitmap Index Scan on {index}", plan)

    def test_the_words_query_is_never_tsquery_syntax(self):
        """PostgreSQL's words query quotes every term (the terms are letters and digits, so
        this is a second guard): a quote or backslash is a character of a lexeme."""
        self.assertEqual(words.prefix_query(["tra", "shan"]), "'tra':* & 'shan':*")
        self.assertEqual(words.prefix_query(["a'b", "c\\d"]), "'a''b':* & 'c\\\\d':*")

    def test_the_stored_words_are_the_words_whatever_the_spaces(self):
        """The listing's vector is its folded text's words as they are: no stemming, no stop
        words, no duplicates, and no empty word from doubled or trailing spaces (which
        array_to_tsvector would refuse, failing the write). Only PostgreSQL stores it."""
        row = Listing.objects.first()
        Listing.objects.filter(pk=row.pk).update(folded_text="  cafe  the   cafe 2026 a ")
        stored = Listing.objects.get(pk=row.pk).search_words
        if connection.vendor != "postgresql":
            self.assertIsNone(stored)
            return
        self.assertEqual(set(re.findall(r"'([^']*)'", stored)), {"cafe", "the", "2026", "a"})
        listed = Listing.objects.filter(search.listing_match(["the", "caf"]))
        self.assertEqual(list(listed.values_list("pk", flat=True)), [row.pk])


class SearchIndexUpkeepTests(TestCase):
    def test_a_new_or_renamed_product_is_indexed_after_commit(self):
        with self.captureOnCommitCallbacks(execute=True):
            product = make_product("Bánh chưng gạo nếp nương Him Lam (mẫu)", "HTX Him Lam (mẫu)")
        self.assertIn("banh chung", SearchEntry.objects.get(product=product).folded_text)
        with self.captureOnCommitCallbacks(execute=True):
            product.name = "Bún gạo đỏ sấy khô (mẫu)"
            product.save()
        entry = SearchEntry.objects.get(product=product)
        self.assertIn(" bun gao do say kho", entry.folded_text)
        self.assertNotIn("banh chung", entry.folded_text)
        self.assertEqual(
            list(search.search(Product.objects.all(), "bun gao do").values_list("pk", flat=True)),
            [product.pk],
        )
        self.assertFalse(search.search(Product.objects.all(), "banh chung").exists())

    def test_a_renamed_producer_reindexes_its_products(self):
        with self.captureOnCommitCallbacks(execute=True):
            product = make_product("Miến dong (mẫu)", "HTX Búng Lao (mẫu)")
        producer = Producer.objects.get(pk=product.producer_id)
        with self.captureOnCommitCallbacks(execute=True):
            producer.name = "HTX Nông nghiệp Chiềng Sinh (mẫu)"
            producer.save()
        self.assertIn("chieng sinh", SearchEntry.objects.get(product=product).folded_text)

    def test_certificates_changed_refreshes_the_entries(self):
        product = make_product("Chè cổ thụ Si Pa Phìn (mẫu)")
        SearchEntry.objects.all().delete()
        certificates_changed.send(sender="certificates", product_ids=[product.pk])
        self.assertTrue(SearchEntry.objects.filter(product=product).exists())

    def test_rebuilding_twice_writes_nothing_the_second_time(self):
        make_product("Nấm hương rừng sấy khô (mẫu)")
        self.assertEqual(search.rebuild_index(), 1)
        self.assertEqual(search.rebuild_index(), 0)

    def test_a_deleted_product_leaves_the_index(self):
        product = make_product("Gùi mây tre đan Na Son (mẫu)")
        search.rebuild_index()
        product.delete()
        self.assertFalse(SearchEntry.objects.exists())
        self.assertFalse(search.search(Product.objects.all(), "gui may").exists())
