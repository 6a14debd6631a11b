import datetime

import time_machine
from django.test import SimpleTestCase

from ocop.producers.models import EXPIRY_WARNING_DAYS, ProducerDocument

TODAY = datetime.date(2026, 6, 15)


@time_machine.travel(datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.UTC), tick=False)
class ExpiryStatusTests(SimpleTestCase):
    def document(self, expires_on):
        return ProducerDocument(issued_on=datetime.date(2020, 1, 1), expires_on=expires_on)

    def test_edges(self):
        warning = datetime.timedelta(days=EXPIRY_WARNING_DAYS)
        cases = [
            (None, ""),
            (TODAY - datetime.timedelta(days=1), "expired"),
            (TODAY, "expiring"),  # still valid on its last day
            (TODAY + warning, "expiring"),
            (TODAY + warning + datetime.timedelta(days=1), "valid"),
        ]
        for expires_on, expected in cases:
            with self.subTest(expires_on=expires_on):
                document = self.document(expires_on)
                assert document.expiry_status == expected
                assert document.is_expired is (expected == "expired")


class DownloadNameTests(SimpleTestCase):
    def test_name_is_ascii_and_safe(self):
        document = ProducerDocument(
            kind="food_safety",
            number="12/2025/GCN-ATTP",
            title='Giấy chứng nhận "cơ sở" ../../etc',
            content_type="application/pdf",
        )
        assert document.download_name == (
            "food-safety-12-2025-gcn-attp-giay-chung-nhan-co-so-etc.pdf"
        )

    def test_unknown_type_and_empty_words_still_give_a_name(self):
        assert ProducerDocument(content_type="text/html").download_name == "document.bin"
