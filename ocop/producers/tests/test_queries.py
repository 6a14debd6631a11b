"""The list and the detail page cost the same number of queries for 5 rows as for 50."""

from django.db import transaction
from django.test import TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import central_officer, province_officer
from ocop.core.audit import record_event
from ocop.producers.tests.factories import (
    ProducerDocumentFactory,
    ProducerFactory,
    legacy_commune,
    producer_member,
)
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import DIEN_BIEN_PHU, MUONG_ANG, commune


def make_producers(count):
    for number in range(count):
        producer = ProducerFactory(commune=commune(MUONG_ANG if number % 2 else DIEN_BIEN_PHU))
        ProductFactory(producer=producer)


class ProducerListQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province_office = province_officer("11")
        cls.central = central_officer()

    def assert_list_queries(self, count):
        make_producers(count)
        self.client.force_login(self.province_office)
        # The first page and the last.
        for page in ("1", "last"):
            # 1 session, 2 user, 3 the user's memberships (official scope), 4 the page of
            # producers with commune, province and product count (a subquery per row), 5 count
            # of the producers, 6 the communes of the commune filter
            with self.subTest(page=page), self.assertNumQueries(6):
                response = self.client.get(
                    reverse("producers:producer_list"), {"q": "htx", "page": page}
                )
            assert len(response.context["page"].object_list) == min(count, 25)

    def test_list_with_5_producers(self):
        self.assert_list_queries(5)

    def test_list_with_50_producers(self):
        self.assert_list_queries(50)

    def assert_national_list_queries(self, count):
        make_producers(count)
        self.client.force_login(self.central)
        for page in ("1", "last"):
            # 1 session, 2 user, 3 memberships, 4 the chosen province (validation), 5 the chosen
            # commune (validation), 6 the page of producers, 7 count, 8 the provinces of the
            # filter, 9 the communes of the chosen province
            with self.subTest(page=page), self.assertNumQueries(9):
                response = self.client.get(
                    reverse("producers:producer_list"),
                    {"province": "11", "commune": MUONG_ANG, "page": page},
                )
            assert len(response.context["page"].object_list) == min(count // 2, 25)

    def test_national_list_with_5_producers_filtered_by_province_and_commune(self):
        self.assert_national_list_queries(5)

    def test_national_list_with_50_producers_filtered_by_province_and_commune(self):
        self.assert_national_list_queries(50)


class ProducerDetailQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province_office = province_officer("11")
        cls.producer = ProducerFactory(
            commune=commune(MUONG_ANG), legacy_commune=legacy_commune("03307")
        )
        ProductFactory.create_batch(3, producer=cls.producer)
        producer_member(cls.producer)
        producer_member(cls.producer)

    def assert_detail_queries(self, count):
        for _ in range(count):
            ProducerDocumentFactory(
                producer=self.producer,
                file="producers/placeholder.pdf",
                uploaded_by=self.province_office,
            )
        self.client.force_login(self.province_office)
        # 1 session, 2 user, 3 memberships, 4 the producer with its units, 5 may the user edit,
        # 6 members with users, 7 the record of this view of personal data (docs/privacy.md),
        # 8 audit events with actors, 9 documents with uploaders, 10 products
        with self.assertNumQueries(10):
            response = self.client.get(
                reverse("producers:producer_detail", args=[self.producer.pk])
            )
        assert len(response.context["documents"]) == count

    def test_detail_with_5_documents(self):
        self.assert_detail_queries(5)

    def test_detail_with_50_documents(self):
        self.assert_detail_queries(50)

    def test_history_with_unit_changes_adds_at_most_two_queries(self):
        with transaction.atomic():
            for _ in range(20):
                record_event(
                    actor=self.province_office,
                    action="producer.updated",
                    obj=self.producer,
                    changes={
                        "commune_id": [MUONG_ANG, DIEN_BIEN_PHU],
                        "legacy_commune_id": [None, "03307"],
                    },
                )
        self.client.force_login(self.province_office)
        # the 10 queries above, plus after the audit events: the names of the communes and of
        # the legacy communes named in them (one query each, however many events)
        with self.assertNumQueries(12):
            response = self.client.get(
                reverse("producers:producer_detail", args=[self.producer.pk])
            )
        self.assertContains(response, "Xã Ẳng Nưa", count=21)  # 20 events + the facts list
