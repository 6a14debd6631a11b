from django.test import RequestFactory, SimpleTestCase

from ocop.core.htmx import is_htmx


class IsHtmxTests(SimpleTestCase):
    def test_a_swap_is_htmx_a_history_restore_and_a_plain_request_are_not(self):
        factory = RequestFactory()
        self.assertTrue(is_htmx(factory.get("/", headers={"HX-Request": "true"})))
        restore = factory.get(
            "/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
        )
        self.assertFalse(is_htmx(restore))
        self.assertFalse(is_htmx(factory.get("/")))
