from django.test import TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import UserFactory
from ocop.producers.tests.factories import ProducerDocumentFactory, ProducerFactory, producer_member
from ocop.products.tests.factories import ProductFactory


class ProducerAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(is_staff=True, is_superuser=True)
        cls.producer = ProducerFactory(name="HTX Ong mật Điện Biên")
        ProductFactory(producer=cls.producer)
        producer_member(cls.producer)
        cls.document = ProducerDocumentFactory(
            producer=cls.producer, file="producers/placeholder.pdf"
        )

    def setUp(self):
        self.client.force_login(self.admin)

    def test_changelist_searches_and_counts_products(self):
        response = self.client.get(reverse("admin:producers_producer_changelist"), {"q": "ong mat"})
        assert response.status_code == 200
        self.assertContains(response, "HTX Ong mật Điện Biên")

    def test_change_page_shows_members_and_read_only_documents(self):
        response = self.client.get(
            reverse("admin:producers_producer_change", args=[self.producer.pk])
        )
        assert response.status_code == 200
        self.assertContains(response, self.document.number)
        self.assertNotContains(response, 'name="documents-0-file"')

    def test_document_links_to_the_checked_download_not_to_media(self):
        response = self.client.get(
            reverse("admin:producers_producerdocument_change", args=[self.document.pk])
        )
        assert response.status_code == 200
        self.assertContains(
            response,
            reverse("producers:document_download", args=[self.producer.pk, self.document.pk]),
        )
        self.assertNotContains(response, "/media/")
