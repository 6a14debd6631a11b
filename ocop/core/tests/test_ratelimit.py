"""The hourly cap of the public forms: per purpose and address, never storing the address."""

from django.core.cache import cache
from django.test import SimpleTestCase

from ocop.core.ratelimit import take_hourly_slot


class HourlySlotTests(SimpleTestCase):
    def setUp(self):
        cache.clear()

    def test_the_cap_counts_per_purpose_and_address(self):
        taken = [take_hourly_slot("inquiry", "203.0.113.7", limit=2) for _ in range(3)]
        self.assertEqual(taken, [True, True, False])
        self.assertTrue(take_hourly_slot("problem-report", "203.0.113.7", limit=2))
        self.assertTrue(take_hourly_slot("inquiry", "203.0.113.8", limit=2))

    def test_the_address_is_not_in_the_cache_key(self):
        take_hourly_slot("inquiry", "203.0.113.7", limit=2)
        self.assertFalse(any("203.0.113.7" in key for key in cache._cache))
