"""Settings read from the environment: the shared cache behind several servers."""

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings

from config.settings import cache_config


class CacheConfigTests(TestCase):
    def test_empty_is_this_process_memory(self):
        self.assertEqual(
            cache_config("")["BACKEND"], "django.core.cache.backends.locmem.LocMemCache"
        )

    def test_db_url_names_the_table(self):
        self.assertEqual(
            cache_config("db://shared_cache"),
            {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "shared_cache"},
        )
        self.assertEqual(cache_config("db://")["LOCATION"], "ocop_cache")

    def test_an_unknown_scheme_is_refused(self):
        with self.assertRaises(ImproperlyConfigured):
            cache_config("memcached://127.0.0.1")

    def test_the_database_cache_is_shared_through_its_table(self):
        with override_settings(CACHES={"default": cache_config("db://test_ocop_cache")}):
            call_command("createcachetable", verbosity=0)
            cache.set("report-slots:abc", 3, timeout=60)
            self.assertEqual(cache.incr("report-slots:abc"), 4)
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM test_ocop_cache")
                self.assertEqual(cursor.fetchone()[0], 1)
