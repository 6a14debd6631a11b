"""The hourly cap of the public forms: per purpose and address, never storing the address."""

from django.core.cache import cache
from django.test import RequestFactory, SimpleTestCase

from ocop.core.ratelimit import client_ip, take_hourly_slot


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


class ClientIpTests(SimpleTestCase):
    def request(self):
        return RequestFactory().get(
            "/", REMOTE_ADDR="127.0.0.1", headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7"}
        )

    def test_the_connection_address_unless_the_proxy_is_trusted(self):
        with self.settings(TRUST_X_FORWARDED_FOR=False):
            self.assertEqual(client_ip(self.request()), "127.0.0.1")

    def test_behind_the_proxy_the_address_it_added_not_the_forged_one(self):
        with self.settings(TRUST_X_FORWARDED_FOR=True):
            self.assertEqual(client_ip(self.request()), "203.0.113.7")
            plain = RequestFactory().get("/", REMOTE_ADDR="198.51.100.2")
            self.assertEqual(client_ip(plain), "198.51.100.2")
