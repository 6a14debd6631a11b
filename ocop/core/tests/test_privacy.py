"""Personal data (issue 16 §4, docs/privacy.md; Law 91/2025/QH15 and Decree 356/2025/NĐ-CP):
every view is recorded with who, what, when and the page; the person concerned and the office
can read the record; a command purges what is past its retention period."""

import datetime
from io import StringIO

import time_machine
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.tests.factories import central_officer, commune_officer, province_officer
from ocop.certificates.control.problem_reports import report_problem
from ocop.certificates.models import ProblemReport
from ocop.certificates.tests.factories import TODAY, historical_certificate
from ocop.core.models import AuditEvent, PersonalDataAccess
from ocop.market.models import Inquiry
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import commune


class PersonalDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.producer = ProducerFactory(
            commune=commune("03256"), representative_name="Lò Thị Mai", phone="0912 345 678"
        )
        cls.member = producer_member(cls.producer)
        cls.officer = province_officer("11")
        cls.other_office = province_officer("12")
        cls.central = central_officer()
        cls.product = ProductFactory(producer=cls.producer, name="Chè Shan tuyết (mẫu)")
        cls.inquiry = Inquiry.objects.create(
            product=cls.product,
            producer=cls.producer,
            province_id=cls.producer.province_id,
            buyer_name="Nguyễn Văn Mua",
            phone="0987 654 321",
            email="mua@example.vn",
            message="Xin báo giá 200 kg (mẫu)",
        )

    def test_an_official_view_of_a_producer_is_recorded_with_who_what_when_and_the_page(self):
        self.client.force_login(self.officer)
        response = self.client.get(reverse("producers:producer_detail", args=[self.producer.pk]))
        self.assertContains(response, "0912 345 678")
        access = PersonalDataAccess.objects.get()
        self.assertEqual(access.viewer, self.officer)
        self.assertEqual(access.kind, PersonalDataAccess.Kind.PRODUCER)
        self.assertEqual((access.producer_id, access.province_code), (self.producer.pk, "11"))
        self.assertEqual(access.page, "producers:producer_detail")
        self.assertLess(timezone.now() - access.at, datetime.timedelta(minutes=1))

    def test_the_producers_own_members_are_not_recorded_but_see_the_record(self):
        self.client.force_login(self.officer)
        self.client.get(reverse("producers:producer_edit", args=[self.producer.pk]))
        self.client.force_login(self.member)
        self.client.get(reverse("producers:producer_detail", args=[self.producer.pk]))
        self.assertEqual(PersonalDataAccess.objects.count(), 1)
        page = self.client.get(reverse("producers:personal_data_log", args=[self.producer.pk]))
        self.assertContains(page, self.officer.username)
        self.assertContains(page, "producers:producer_edit")

    def test_another_producer_or_province_cannot_read_the_record(self):
        self.client.force_login(self.officer)
        self.client.get(reverse("producers:producer_detail", args=[self.producer.pk]))
        before = list(PersonalDataAccess.objects.values())
        outsider = producer_member(ProducerFactory(commune=commune("03256")))
        for user in (outsider, self.other_office):
            self.client.force_login(user)
            url = reverse("producers:personal_data_log", args=[self.producer.pk])
            self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(list(PersonalDataAccess.objects.values()), before)

    def test_the_office_sees_its_territory_and_the_central_office_everything(self):
        self.client.force_login(self.member)
        self.client.get(reverse("market:inquiry_detail", args=[self.inquiry.pk]))
        log = reverse("accounts:personal_data_log")
        self.client.force_login(self.officer)
        self.assertContains(self.client.get(log), self.member.username)
        self.client.force_login(self.central)
        self.assertContains(self.client.get(log), self.member.username)
        self.client.force_login(self.other_office)
        self.assertNotContains(self.client.get(log), self.member.username)
        self.client.force_login(commune_officer())
        self.assertEqual(self.client.get(log).status_code, 403)

    def test_a_reporters_contact_seen_by_the_office_is_recorded(self):
        certificate = historical_certificate(self.officer, self.product, issued_on=TODAY)
        report_problem(
            code=certificate.public_code,
            kind="other",
            message="Tem mờ (mẫu)",
            reporter_name="Người mua",
            reporter_contact="0900 000 000",
        )
        report = ProblemReport.objects.get()
        self.client.force_login(self.officer)
        url = reverse("problem_reports:problem_report_detail", args=[report.pk])
        self.assertContains(self.client.get(url), "0900 000 000")
        access = PersonalDataAccess.objects.get(kind=PersonalDataAccess.Kind.PROBLEM_REPORT)
        self.assertEqual(access.province_code, "11")

    def test_the_purge_blanks_contacts_past_their_period_and_keeps_the_rest(self):
        Inquiry.objects.filter(pk=self.inquiry.pk).update(closed_at=timezone.now())
        fresh = Inquiry.objects.create(
            product=self.product,
            producer=self.producer,
            province_id=self.producer.province_id,
            buyer_name="Mới",
            phone="0911 111 111",
            message="Mới (mẫu)",
        )
        self.client.force_login(self.officer)
        self.client.get(reverse("producers:producer_detail", args=[self.producer.pk]))
        out = StringIO()
        call_command("purge_personal_data", "--dry-run", stdout=out)
        self.assertIn("would be purged", out.getvalue())
        later = timezone.now() + datetime.timedelta(days=731)
        with time_machine.travel(later):
            Inquiry.objects.filter(pk=fresh.pk).update(created_at=timezone.now())
            call_command("purge_personal_data", "--dry-run", stdout=StringIO())
            self.assertEqual(Inquiry.objects.get(pk=self.inquiry.pk).phone, "0987 654 321")
            call_command("purge_personal_data", stdout=StringIO())
        old = Inquiry.objects.get(pk=self.inquiry.pk)
        self.assertEqual((old.buyer_name, old.phone, old.email), ("", "", ""))
        self.assertIsNotNone(old.contacts_removed_at)
        self.assertEqual(old.message, "Xin báo giá 200 kg (mẫu)")
        self.assertEqual(Inquiry.objects.get(pk=fresh.pk).buyer_name, "Mới")
        self.assertEqual(PersonalDataAccess.objects.count(), 1)  # five years, not two
        self.assertTrue(AuditEvent.objects.filter(action="privacy.purged").exists())
        with time_machine.travel(timezone.now() + datetime.timedelta(days=1826)):
            call_command("purge_personal_data", stdout=StringIO())
        self.assertFalse(PersonalDataAccess.objects.exists())
