from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from ocop.accounts.tests.factories import (
    UserFactory,
    central_officer,
    commune_officer,
    province_officer,
)
from ocop.core.models import AuditEvent
from ocop.producers import services
from ocop.producers.choices import DocumentKind, ProducerKind
from ocop.producers.models import Producer, ProducerDocument, ProducerMember
from ocop.producers.tests.factories import (
    MINIMAL_PDF,
    RENAMED_EXE,
    ProducerFactory,
    legacy_commune,
    producer_member,
)
from ocop.regions.tests.factories import (
    BINH_LU,
    DIEN_BIEN_PHU,
    DOAN_KET,
    LAI_CHAU,
    MUONG_ANG,
    commune,
)


def producer_data(**overrides):
    data = {
        "name": "  HTX   Cà phê Mường Ảng ",
        "kind": ProducerKind.COOPERATIVE,
        "registration_number": "",
        "representative_name": "Lò Thị Hoa",
        "representative_sex": "female",
        "representative_ethnicity": "Thái",
        "representative_has_disability": False,
        "phone": "0215 3800 111",
        "email": "",
        "address": "Bản Co Líu",
        "commune": commune(MUONG_ANG),
        "legacy_commune": None,
        "founded_on": None,
        "member_count": 12,
        "worker_count": None,
        "is_sample": True,
    }
    data.update(overrides)
    return data


def database_state():
    return (
        list(Producer.objects.order_by("pk").values()),
        list(ProducerDocument.objects.order_by("pk").values()),
        list(ProducerMember.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


class CreateProducerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.dien_bien_office = province_officer("11")
        cls.muong_ang_officer = commune_officer(MUONG_ANG)
        cls.existing = ProducerFactory(registration_number="5600000001", commune=commune(MUONG_ANG))
        cls.member = producer_member(cls.existing)

    def test_province_office_registers_a_producer_and_the_audit_log_records_it(self):
        producer = services.create_producer(actor=self.dien_bien_office, data=producer_data())

        producer.refresh_from_db()
        assert producer.name == "HTX Cà phê Mường Ảng"
        assert producer.folded_name == "htx ca phe muong ang"
        assert producer.province_id == "11"
        event = AuditEvent.objects.get(action="producer.created", object_id=str(producer.pk))
        assert event.actor == self.dien_bien_office
        assert event.changes["name"] == [None, "HTX Cà phê Mường Ảng"]
        assert event.changes["commune_id"] == [None, MUONG_ANG]
        assert "email" not in event.changes  # empty values are not listed

    def test_commune_officer_registers_in_its_own_commune(self):
        producer = services.create_producer(actor=self.muong_ang_officer, data=producer_data())
        assert producer.commune_id == MUONG_ANG

    def test_commune_officer_cannot_register_in_another_commune_and_nothing_is_created(self):
        before = database_state()
        with self.assertRaises(ValidationError) as caught:
            services.create_producer(
                actor=self.muong_ang_officer, data=producer_data(commune=commune(DIEN_BIEN_PHU))
            )
        assert "commune" in caught.exception.message_dict
        assert database_state() == before

    def test_province_office_cannot_register_in_another_province_and_nothing_is_created(self):
        before = database_state()
        with self.assertRaises(ValidationError) as caught:
            services.create_producer(
                actor=self.dien_bien_office, data=producer_data(commune=commune(DOAN_KET))
            )
        assert "commune" in caught.exception.message_dict
        assert database_state() == before

    def test_central_office_registers_in_any_province(self):
        producer = services.create_producer(
            actor=central_officer(), data=producer_data(commune=commune(BINH_LU))
        )
        assert producer.province_id == LAI_CHAU

    def test_producer_member_cannot_register_producers(self):
        before = database_state()
        with self.assertRaises(PermissionDenied):
            services.create_producer(actor=self.member, data=producer_data())
        assert database_state() == before

    def test_duplicate_registration_number_is_a_clear_error_not_an_integrity_error(self):
        before = database_state()
        with self.assertRaises(ValidationError) as caught:
            services.create_producer(
                actor=self.dien_bien_office,
                data=producer_data(registration_number=" 5600 000001 "),
            )
        [error] = caught.exception.error_dict["registration_number"]
        assert error.code == "duplicate_registration_number"
        assert database_state() == before

    def test_duplicate_found_only_by_the_database_is_still_a_clear_error(self):
        """Two officials saving the same number at once: the constraint catches the second."""
        before = database_state()
        with (
            mock.patch.object(Producer, "clean", autospec=True, return_value=None),
            self.assertRaises(ValidationError) as caught,
        ):
            services.create_producer(
                actor=self.dien_bien_office, data=producer_data(registration_number="5600000001")
            )
        assert "registration_number" in caught.exception.message_dict
        assert database_state() == before

    def test_many_producers_may_have_no_registration_number(self):
        first = services.create_producer(actor=self.dien_bien_office, data=producer_data())
        second = services.create_producer(actor=self.dien_bien_office, data=producer_data())
        assert first.registration_number == second.registration_number == ""

    def test_malformed_registration_number_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            services.create_producer(
                actor=self.dien_bien_office, data=producer_data(registration_number="56#01")
            )
        assert "registration_number" in caught.exception.message_dict

    def test_legacy_commune_must_have_become_part_of_the_producers_province(self):
        before = database_state()
        with self.assertRaises(ValidationError) as caught:
            services.create_producer(
                actor=self.dien_bien_office,
                data=producer_data(legacy_commune=legacy_commune("03388")),
            )
        assert "legacy_commune" in caught.exception.message_dict
        assert database_state() == before

    def test_legacy_commune_of_the_province_is_kept(self):
        producer = services.create_producer(
            actor=self.dien_bien_office, data=producer_data(legacy_commune=legacy_commune("03307"))
        )
        assert producer.legacy_commune_id == "03307"

    def test_unknown_fields_are_a_programming_error(self):
        with self.assertRaises(ValueError):
            services.create_producer(actor=self.dien_bien_office, data=producer_data(province="12"))


class UpdateProducerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.producer = ProducerFactory(
            name="HTX Chè Tủa Chùa",
            registration_number="5600000010",
            commune=commune(MUONG_ANG),
            phone="0215 1",
        )
        ProducerFactory(registration_number="5600000020", commune=commune(MUONG_ANG))
        cls.dien_bien_office = province_officer("11")
        cls.muong_ang_officer = commune_officer(MUONG_ANG)
        cls.member = producer_member(cls.producer)

    def test_update_writes_the_diff_to_the_audit_log(self):
        services.update_producer(
            self.producer,
            actor=self.dien_bien_office,
            data={"name": "HTX Chè Shan tuyết Tủa Chùa", "phone": "0215 2", "kind": "cooperative"},
        )
        self.producer.refresh_from_db()
        assert self.producer.name == "HTX Chè Shan tuyết Tủa Chùa"
        assert self.producer.folded_name == "htx che shan tuyet tua chua"
        event = AuditEvent.objects.get(action="producer.updated")
        assert event.actor == self.dien_bien_office
        assert event.changes == {
            "name": ["HTX Chè Tủa Chùa", "HTX Chè Shan tuyết Tủa Chùa"],
            "phone": ["0215 1", "0215 2"],
        }

    def test_update_without_changes_writes_no_event(self):
        services.update_producer(
            self.producer, actor=self.dien_bien_office, data={"name": self.producer.name}
        )
        assert AuditEvent.objects.count() == 0

    def test_official_moves_the_producer_within_its_province(self):
        services.update_producer(
            self.producer, actor=self.dien_bien_office, data={"commune": commune(DIEN_BIEN_PHU)}
        )
        self.producer.refresh_from_db()
        assert self.producer.commune_id == DIEN_BIEN_PHU
        event = AuditEvent.objects.get(action="producer.updated")
        assert event.changes == {"commune_id": [MUONG_ANG, DIEN_BIEN_PHU]}

    def test_commune_officer_cannot_move_the_producer_out_of_its_commune(self):
        before = database_state()
        with self.assertRaises(ValidationError) as caught:
            services.update_producer(
                self.producer,
                actor=self.muong_ang_officer,
                data={"commune": commune(DIEN_BIEN_PHU)},
            )
        assert "commune" in caught.exception.message_dict
        assert database_state() == before

    def test_duplicate_registration_number_on_update_is_a_clear_error(self):
        before = database_state()
        with self.assertRaises(ValidationError) as caught:
            services.update_producer(
                self.producer,
                actor=self.dien_bien_office,
                data={"registration_number": "5600000020"},
            )
        assert "registration_number" in caught.exception.message_dict
        assert database_state() == before

    def test_member_edits_the_fields_it_owns(self):
        services.update_producer(
            self.producer, actor=self.member, data={"phone": "0912 345 678", "worker_count": 9}
        )
        self.producer.refresh_from_db()
        assert (self.producer.phone, self.producer.worker_count) == ("0912 345 678", 9)
        assert AuditEvent.objects.get(action="producer.updated").actor == self.member

    def test_member_cannot_change_official_fields_and_nothing_changes(self):
        for field, value in [
            ("registration_number", "5600000099"),
            ("commune", commune(DIEN_BIEN_PHU)),
            ("legacy_commune", legacy_commune("03307")),
            ("is_sample", False),
        ]:
            with self.subTest(field=field):
                before = database_state()
                with self.assertRaises(PermissionDenied):
                    services.update_producer(
                        self.producer, actor=self.member, data={field: value, "phone": "1"}
                    )
                assert database_state() == before

    def test_member_may_send_official_fields_unchanged(self):
        services.update_producer(
            self.producer,
            actor=self.member,
            data={"registration_number": "5600000010", "is_sample": True, "phone": "0215 9"},
        )
        self.producer.refresh_from_db()
        assert self.producer.phone == "0215 9"

    def test_outsider_cannot_update_and_nothing_changes(self):
        outsiders = [province_officer(LAI_CHAU), producer_member(), UserFactory()]
        for actor in outsiders:
            with self.subTest(actor=actor):
                before = database_state()
                with self.assertRaises(PermissionDenied):
                    services.update_producer(self.producer, actor=actor, data={"name": "X"})
                assert database_state() == before


class AddDocumentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.producer = ProducerFactory(commune=commune(MUONG_ANG))
        cls.member = producer_member(cls.producer)

    def data(self, **overrides):
        return {
            "kind": DocumentKind.FOOD_SAFETY,
            "title": "",
            "number": " 12/GCN-ATTP ",
            "issuer": "Sở Nông nghiệp và Môi trường tỉnh Điện Biên",
            "issued_on": "2025-01-15",
            "expires_on": "2028-01-14",
            **overrides,
        }

    def test_member_adds_a_checked_document_with_its_type_size_and_uploader(self):
        upload = SimpleUploadedFile("scan.pdf", MINIMAL_PDF, content_type="text/plain")
        document = services.add_document(
            self.producer, actor=self.member, data=self.data(), upload=upload
        )
        document.refresh_from_db()
        assert document.content_type == "application/pdf"  # from the content, not the browser
        assert document.size == len(MINIMAL_PDF)
        assert document.uploaded_by == self.member
        assert document.number == "12/GCN-ATTP"
        assert document.file.name.startswith(f"producers/{self.producer.pk}/documents/food_safety-")
        assert "scan" not in document.file.name
        with document.file.open("rb") as handle:
            assert handle.read() == MINIMAL_PDF
        event = AuditEvent.objects.get(action="producer.document_added")
        assert event.object_id == str(self.producer.pk)
        assert event.changes["number"] == [None, "12/GCN-ATTP"]

    def test_file_that_is_not_a_pdf_or_image_is_refused(self):
        before = database_state()
        upload = SimpleUploadedFile("giay-phep.pdf", RENAMED_EXE, content_type="application/pdf")
        with self.assertRaises(ValidationError):
            services.add_document(self.producer, actor=self.member, data=self.data(), upload=upload)
        assert database_state() == before

    def test_expiry_before_issue_is_refused(self):
        before = database_state()
        upload = SimpleUploadedFile("scan.pdf", MINIMAL_PDF)
        with self.assertRaises(ValidationError) as caught:
            services.add_document(
                self.producer,
                actor=self.member,
                data=self.data(expires_on="2024-01-01"),
                upload=upload,
            )
        assert "expires_on" in caught.exception.message_dict
        assert database_state() == before

    def test_outsider_cannot_add_a_document(self):
        outsider = producer_member()
        before = database_state()
        upload = SimpleUploadedFile("scan.pdf", MINIMAL_PDF)
        with self.assertRaises(PermissionDenied):
            services.add_document(self.producer, actor=outsider, data=self.data(), upload=upload)
        assert database_state() == before


class AddMemberTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.producer = ProducerFactory(commune=commune(MUONG_ANG))
        cls.member = producer_member(cls.producer)

    def test_commune_officer_adds_a_member_once(self):
        user = UserFactory()
        officer = commune_officer(MUONG_ANG)
        services.add_member(self.producer, actor=officer, user=user)
        services.add_member(self.producer, actor=officer, user=user)
        assert ProducerMember.objects.filter(producer=self.producer, user=user).count() == 1
        assert AuditEvent.objects.filter(action="producer.member_added").count() == 1

    def test_member_cannot_add_members(self):
        user = UserFactory()
        before = database_state()
        with self.assertRaises(PermissionDenied):
            services.add_member(self.producer, actor=self.member, user=user)
        assert database_state() == before
