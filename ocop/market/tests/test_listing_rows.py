"""The listing rows and their summary stay equal to a recomputation from their sources after
every kind of change, and the catalogue's keyset pages walk every listed product exactly once,
forwards and backwards, whatever the depth."""

import datetime
import re
from html import unescape
from unittest import mock

import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import province_officer
from ocop.certificates.control.revocation import revoke_certificate
from ocop.certificates.models import RevocationGround
from ocop.certificates.tests.factories import NOW, TODAY, historical_certificate
from ocop.core.text import fold
from ocop.evaluations.models import Dossier
from ocop.evaluations.tests.factories import dossier_row
from ocop.producers.choices import ProducerKind
from ocop.products.models import Product
from ocop.regions.models import Commune

from .. import listing, pages, search, views
from ..models import Listing, ListingCount
from .helpers import certify, make_product


def days(n):
    return datetime.timedelta(days=n)


@time_machine.travel(NOW, tick=False)
class ListingFollowsItsSourcesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.tea = make_product("Trà Shan tuyết Tủa Chùa (mẫu)")
        cls.coffee = make_product("Cà phê Mường Ảng (mẫu)", scoring_set=12)
        cls.rice = make_product("Gạo Điện Biên (mẫu)", producer=cls.tea.producer)
        cls.certificates = certify([cls.tea, cls.coffee, cls.rice], star=3)
        listing.summary_built(TODAY)

    def assert_in_step(self):
        """Every listing row and today's summary equal a recomputation from the sources."""
        report = listing.reconcile_listings(repair=False)
        self.assertEqual((report.missing, report.extra, report.different), ([], [], []))
        recount = {
            (row["province_id"], row["scoring_set_id"], row["star"]): row["n"]
            for row in listing.listed_on(TODAY)
            .values("province_id", "scoring_set_id", "star")
            .annotate(n=Count("pk"))
        }
        stored = {
            (row.province_id, row.scoring_set_id, row.star): row.count
            for row in ListingCount.objects.filter(day=TODAY)
        }
        self.assertEqual(stored, recount)

    def row(self, product):
        return Listing.objects.get(product=product)

    def assert_searchable_as(self, product, *words, typed=""):
        """On PostgreSQL the listing carries the texts the product's search entry is written
        from (the catalogue's search reads them there), holding ``words`` as folded words and
        ``typed`` as written; on SQLite, whose FTS5 index answers by product id, none."""
        row = self.row(product)
        if not search.listings_carry_texts():
            self.assertEqual((row.folded_text, row.exact_text, row.product_words), ("", "", ""))
            self.assertIsNone(row.search_words)
            return
        product = Product.objects.select_related(
            "producer__commune", "producer__province", "producer__legacy_commune__district"
        ).get(pk=product.pk)
        self.assertEqual(
            {name: getattr(row, name) for name in ("folded_text", "exact_text", "product_words")},
            search.entry_values(product),
        )
        for word in words:
            self.assertIn(f" {word}", row.folded_text)
        self.assertIn(typed, row.exact_text)
        # the stored vector (ocop.market.words) holds the folded words as they are
        self.assertEqual(
            set(re.findall(r"'([^']*)'", row.search_words)), set(row.folded_text.split())
        )

    def test_a_certificate_issued_lists_its_product(self):
        new = make_product("Mật ong bạc hà (mẫu)", scoring_set=3)
        historical_certificate(self.officer, new, issued_on=TODAY - days(3), star=4)
        self.assertEqual(self.row(new).star, 4)
        self.assert_in_step()

    def test_a_revoked_certificate_removes_the_row_at_once(self):
        """Art. 8(1): revocation takes effect with the decision; the product leaves every list."""
        revoke_certificate(
            self.certificates[self.coffee.pk],
            actor=self.officer,
            ground=RevocationGround.PRODUCTION_STOPPED,
            decision_number="12/QĐ-UBND",
            decided_on=TODAY,
            finding_on=TODAY,
        )
        self.assertFalse(Listing.objects.filter(product=self.coffee).exists())
        self.assert_in_step()

    def test_an_expired_certificate_leaves_the_list_on_the_day_after(self):
        until = self.row(self.tea).listed_until
        self.assertIn(self.tea.pk, listing.listed_on(until).values_list("product_id", flat=True))
        after = listing.listed_on(until + days(1)).values_list("product_id", flat=True)
        self.assertNotIn(self.tea.pk, after)
        self.assert_in_step()

    def test_a_re_rating_replaces_the_star_and_a_late_one_extends_the_listing(self):
        """Art. 12(3): a late re-rating keeps the certificate valid up to 180 days past expiry."""
        dossier = dossier_row(
            self.tea,
            kind=Dossier.Kind.RE_RATING,
            status=Dossier.Status.IN_ROUND,
            submitted_at=NOW - days(3),
            is_late_re_rating=True,
        )
        valid_until = self.certificates[self.tea.pk].valid_until
        self.assertEqual(self.row(self.tea).listed_until, valid_until + days(180))
        self.assert_in_step()
        historical_certificate(self.officer, self.tea, issued_on=TODAY - days(1), star=4)
        dossier.status = Dossier.Status.PROPOSED
        dossier.save(update_fields=["status"])
        self.assertEqual(self.row(self.tea).star, 4)
        self.assert_in_step()

    def test_a_product_edited_or_moved_follows(self):
        self.tea.name = "Chè Shan tuyết cổ thụ (mẫu)"
        self.tea.scoring_set_id = 12
        self.tea.save()
        self.assertEqual(self.row(self.tea).name_key, "che shan tuyet co thu (mau)")
        self.assertEqual(self.row(self.tea).scoring_set_id, 12)
        self.assert_searchable_as(self.tea, "che", "thu", typed="chè shan tuyết cổ thụ")
        self.assert_in_step()
        self.rice.producer = self.coffee.producer
        self.rice.save()
        self.assertEqual(self.row(self.rice).producer_id, self.coffee.producer_id)
        self.assert_in_step()

    def test_a_producer_moved_renamed_or_retyped_carries_its_products(self):
        producer = self.tea.producer
        producer.commune = Commune.objects.exclude(pk=producer.commune_id).filter(province_id="11")[
            0
        ]
        producer.name = "HTX Shan tuyết mới (mẫu)"
        producer.kind = ProducerKind.ENTERPRISE
        producer.save()
        for product in (self.tea, self.rice):
            self.assertEqual(self.row(product).commune_id, producer.commune_id)
            self.assertEqual(self.row(product).kind, ProducerKind.ENTERPRISE)
            self.assert_searchable_as(product, "htx", "moi", fold(producer.commune.name).split()[0])
        self.assert_in_step()

    def test_a_listing_ended_by_date_is_pruned_with_the_next_days_summary(self):
        until = self.row(self.tea).listed_until
        with time_machine.travel(until + days(1), tick=False):
            self.assertEqual(listing.reconcile_listings(repair=False).differences, 0)
            listing.summary_built(until + days(1))
            self.assertFalse(Listing.objects.filter(product=self.tea).exists())
            self.assertEqual(listing.reconcile_listings(repair=False).differences, 0)
            # A late re-rating filed now brings it back for the 180 days of art. 12(3).
            dossier_row(
                self.tea,
                kind=Dossier.Kind.RE_RATING,
                status=Dossier.Status.SUBMITTED,
                submitted_at=NOW,
                is_late_re_rating=True,
            )
            self.assertEqual(self.row(self.tea).listed_until, until + days(180))

    def test_reconcile_repairs_a_row_written_behind_its_back(self):
        Listing.objects.filter(product=self.tea).update(star=5)
        Listing.objects.filter(product=self.coffee).delete()
        report = listing.reconcile_listings(repair=False)
        self.assertEqual((report.different, report.missing), ([self.tea.pk], [self.coffee.pk]))
        self.assertEqual(Listing.objects.get(product=self.tea).star, 5)  # --check repairs nothing
        call_command("reconcile_listings", stdout=open("/dev/null", "w"))  # noqa: SIM115
        self.assertEqual(self.row(self.tea).star, 3)
        self.assertEqual(listing.reconcile_listings(repair=False).differences, 0)


LINK = re.compile(r'href="\?([^"]*)" rel="(first|prev|next|last)"')


@time_machine.travel(NOW, tick=False)
class KeysetPagesTests(TestCase):
    """The catalogue's pages: a seek after the last row shown, never an offset into a sort."""

    @classmethod
    def setUpTestData(cls):
        products = [make_product(f"Trà mẫu {n:03d}") for n in range(60)]
        certify(products[:20], star=4)
        certify(products[20:], star=3)
        cls.expected = [p.pk for p in products[:20]] + [p.pk for p in products[20:]]

    def get(self, query=""):
        response = self.client.get(reverse("market:product_list") + "?" + query)
        self.assertEqual(response.status_code, 200)
        links = {rel: unescape(href) for href, rel in LINK.findall(response.text)}
        return response.context["page"], links

    def test_walking_forward_and_back_shows_every_product_once_in_order(self):
        page, links = self.get()
        seen, numbers = [p.pk for p in page.object_list], [page.number]
        while "next" in links:
            page, links = self.get(links["next"])
            seen += [p.pk for p in page.object_list]
            numbers.append(page.number)
        self.assertEqual(seen, self.expected)
        self.assertEqual(numbers, [1, 2, 3])
        self.assertEqual(page.num_pages, 3)
        back = [p.pk for p in page.object_list]
        while "prev" in links:
            page, links = self.get(links["prev"])
            back = [p.pk for p in page.object_list] + back
        self.assertEqual(back, self.expected)
        self.assertEqual(page.number, 1)

    def test_the_last_page_reads_the_reversed_index(self):
        page, links = self.get("page=last")
        self.assertEqual([p.pk for p in page.object_list], self.expected[48:])
        self.assertEqual((page.number, page.has_next, page.has_previous), (3, False, True))
        page, _links = self.get(links["prev"])
        self.assertEqual([p.pk for p in page.object_list], self.expected[24:48])

    def test_old_page_numbers_still_open_their_page(self):
        page, _links = self.get("page=2")
        self.assertEqual([p.pk for p in page.object_list], self.expected[24:48])

    def test_a_tampered_or_foreign_cursor_opens_the_first_page(self):
        _page, links = self.get()
        cursor = links["next"].split("cursor=")[1]
        for bad in (
            cursor[:-3] + "abc",
            "nonsense",
            "",
            pages.sign_cursor(2, ["x", 1], backwards=False, sort="stars"),
            pages.sign_cursor(2, [4, "tra", 1], backwards=False, sort="name"),
            pages.sign_cursor("2", [4, "tra", 1], backwards=False, sort="stars"),
        ):
            with self.subTest(cursor=bad):
                page, _links = self.get("cursor=" + bad)
                self.assertEqual([p.pk for p in page.object_list], self.expected[:24])

    def test_each_order_pages_without_repeats(self):
        for sort in ("name", "newest", "stars"):
            with self.subTest(sort=sort):
                page, links = self.get(f"sort={sort}")
                seen = [p.pk for p in page.object_list]
                while "next" in links:
                    page, links = self.get(links["next"])
                    seen += [p.pk for p in page.object_list]
                self.assertCountEqual(seen, self.expected)
                self.assertEqual(len(seen), len(set(seen)))


@time_machine.travel(NOW, tick=False)
class SearchPagesTests(TestCase):
    """A search ordered by relevance is read tier by tier (the query as typed, the product's
    own name, the rest), each tier walked along the star order or sorted; either way the pages
    show every match once, in order, forwards and backwards, across the tiers."""

    @classmethod
    def setUpTestData(cls):
        typed = [make_product(f"Trà Shan tuyết {n:02d}") for n in range(12)]
        own_name = [make_product(f"Tra shan khô {n:02d}") for n in range(12)]
        rest = [make_product(f"Shan tuyết trà {n:02d}") for n in range(12)]
        for tier in (typed, own_name, rest):
            certify(tier[:5], star=4)
            certify(tier[5:], star=3)
        rows = {row.product_id: row for row in Listing.objects.all()}
        cls.expected = [
            pk
            for tier in (typed, own_name, rest)
            for pk in sorted(
                (p.pk for p in tier), key=lambda pk: (-rows[pk].star, rows[pk].name_key, pk)
            )
        ]

    get = KeysetPagesTests.get

    def walk(self):
        page, links = self.get("q=trà+shan")
        first = page
        seen = [p.pk for p in page.object_list]
        while "next" in links:
            page, links = self.get(links["next"])
            seen += [p.pk for p in page.object_list]
        back = [p.pk for p in page.object_list]
        while "prev" in links:
            page, links = self.get(links["prev"])
            back = [p.pk for p in page.object_list] + back
        return first, seen, back

    def test_both_ways_of_reading_a_tier_page_the_same_order(self):
        for factor in (0, 10**9):  # always walk the star order; always sort the matches
            with (
                self.subTest(walk_factor=factor),
                mock.patch.object(pages, "WALK_FACTOR", factor),
            ):
                first, seen, back = self.walk()
                self.assertEqual(seen, self.expected)
                self.assertEqual(back, self.expected)
                self.assertEqual((first.count, first.num_pages), (36, 2))

    def test_every_way_of_reading_a_tier_pages_the_same_order(self):
        """With pages of 24 every tier (12 rows) is counted whole and read whole; with pages
        of 5 the first tier fills a page, so the others are not counted: on PostgreSQL they
        are read as their matches, sorted, and the first is walked along the star order."""
        for page_size in (24, 15, 5):
            with (
                self.subTest(page_size=page_size),
                mock.patch.object(views, "PAGE_SIZE", page_size),
            ):
                first, seen, back = self.walk()
                self.assertEqual(seen, self.expected)
                self.assertEqual(back, self.expected)
                self.assertEqual(first.count, 36)
                page, links = self.get("q=trà+shan&page=last")
                self.assertEqual(
                    [p.pk for p in page.object_list],
                    self.expected[-(36 % page_size or page_size) :],
                )
                page, _links = self.get(links["prev"])
                self.assertEqual(len(page.object_list), page_size)

    def test_a_tier_is_counted_only_when_the_tiers_before_it_do_not_fill_the_page(self):
        """Each tier holds 12 rows. A page needs one row more than it shows; PostgreSQL counts
        each tier up to that, and not at all once the tiers before it hold that many (the
        planner misjudges the last tier's size and would walk every listing to count it)."""

        def sizes(per_page):
            return pages.search_tiers(
                "trà shan", walkable=True, per_page=per_page, rows=listing.listed_on(TODAY)
            ).sizes

        self.assertEqual(sizes(24), (12, 12, 12))
        if connection.vendor == "postgresql":
            self.assertEqual(sizes(15), (12, 12, None))
            self.assertEqual(sizes(5), (6, None, None))
        else:  # the FTS5 counts are exact and cheap: all but the first skipped together
            self.assertEqual(sizes(15), (12, 12, 12))
            self.assertEqual(sizes(5), (12, None, None))

    def test_a_search_past_its_cap_says_more_than_and_still_pages_everything(self):
        with mock.patch.object(listing, "SEARCH_COUNT_CAP", 20):
            first, seen, back = self.walk()
            self.assertEqual(seen, self.expected)
            self.assertEqual(back, self.expected)
            self.assertEqual((first.counted_all, first.num_pages), (False, None))
            response = self.client.get(reverse("market:product_list") + "?q=trà+shan")
            heading = re.search(r'class="results-count">\s*([^<]*)<', response.text)[1]
            self.assertIn("20", heading)
            self.assertNotIn("36", heading)
            page, links = self.get("q=trà+shan&page=last")
            self.assertEqual([p.pk for p in page.object_list], self.expected[-24:])
            self.assertIsNone(page.number)
            page, _links = self.get(links["prev"])
            self.assertEqual([p.pk for p in page.object_list], self.expected[:12])
