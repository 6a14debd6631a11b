"""``generate_dataset`` at a tiny scale: besides the evaluation chain it builds the catalogue's
search index and the market's sample data, and its multiplier multiplies the products."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import TestCase

from ocop.market import search
from ocop.market.models import Inquiry, Participation, SalesChannel, SearchEntry, TradeEvent
from ocop.producers.models import Producer
from ocop.products.models import Product

TINY = 0.02  # of the province scale's 300 producers: 6


class Discard(Exception):
    pass


def generate(**options):
    options = {"scale": "province", "fraction": TINY, **options}
    call_command("generate_dataset", force=True, stdout=StringIO(), **options)


def counted(**options):
    """(producers, products) a run generates, then rolled back."""
    try:
        with transaction.atomic():
            generate(**options)
            counts = Producer.objects.count(), Product.objects.count()
            raise Discard
    except Discard:
        return counts


class GenerateDatasetTests(TestCase):
    def test_builds_search_entries_inquiries_channels_and_events_marked_as_samples(self):
        generate()
        products = Product.objects.count()
        self.assertGreater(products, 0)
        self.assertEqual(SearchEntry.objects.count(), products)
        word = Product.objects.order_by("pk").first().name.split()[0]
        self.assertGreater(search.search(Product.objects.all(), word).count(), 0)
        self.assertGreater(Inquiry.objects.count(), 0)
        self.assertFalse(Inquiry.objects.exclude(email__endswith="@example.invalid").exists())
        self.assertGreater(SalesChannel.objects.count(), 0)
        self.assertFalse(SalesChannel.objects.filter(is_sample=False).exists())
        self.assertGreater(TradeEvent.objects.count(), 0)
        self.assertFalse(TradeEvent.objects.filter(is_sample=False).exists())
        self.assertGreater(Participation.objects.count(), 0)

    def test_multiplier_multiplies_producers_and_products(self):
        producers, products = counted()
        tripled_producers, tripled_products = counted(multiplier=3)
        self.assertEqual(tripled_producers, 3 * producers)
        self.assertGreater(tripled_products, 2 * products)
        self.assertEqual(counted(scale="province:3")[0], 3 * producers)

    def test_multiplier_given_twice_or_an_unknown_scale_is_refused(self):
        with self.assertRaises(CommandError):
            generate(scale="province:2", multiplier=2)
        with self.assertRaises(CommandError):
            generate(scale="planet")
        self.assertFalse(Producer.objects.exists())
