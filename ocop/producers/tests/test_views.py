"""Every producers page, for every role. The cast: a producer in Mường Ảng (Điện Biên) with one
document; a producer in Đoàn Kết (Lai Châu); officials and members inside and outside their
scope."""

from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils.html import escape

from ocop.accounts.tests.factories import (
    central_officer,
    commune_officer,
    province_officer,
)
from ocop.core.models import AuditEvent
from ocop.producers import services
from ocop.producers.models import Producer, ProducerDocument, ProducerMember
from ocop.producers.tests.factories import (
    BROKEN_JPEG,
    MINIMAL_PDF,
    RENAMED_EXE,
    ProducerDocumentFactory,
    ProducerFactory,
    legacy_commune,
    png_bytes,
    producer_member,
)
from ocop.regions.tests.factories import (
    DIEN_BIEN,
    DIEN_BIEN_PHU,
    DOAN_KET,
    LAI_CHAU,
    MUONG_ANG,
    commune,
)

# Who can see (and edit) the Mường Ảng producer, and who cannot.
INSIDERS = ("central", "dien_bien_office", "own_commune_officer", "member")
OUTSIDERS = ("lai_chau_office", "other_commune_officer", "other_member")
OFFICIALS = ("central", "dien_bien_office", "lai_chau_office", "own_commune_officer")


def database_state():
    return (
        list(Producer.objects.order_by("pk").values()),
        list(ProducerDocument.objects.order_by("pk").values()),
        list(ProducerMember.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def stored_files():
    """Every file written by a test, public (MEDIA_ROOT) or private (documents)."""
    files = []
    for root in (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)):
        if root.exists():
            files.extend(path for path in root.rglob("*") if path.is_file())
    return sorted(files)


def assert_error_shown(response, field, code):
    """The form has an error of this code on this field, and the page shows its message (in
    whatever language the page is in)."""
    errors = response.context["form"].errors.as_data()[field]
    assert [error.code for error in errors] == [code]
    assert str(escape(response.context["form"].errors[field][0])) in response.text


def producer_form_data(**overrides):
    data = {
        "name": "HTX Nông sản Mường Ảng",
        "kind": "cooperative",
        "registration_number": "",
        "representative_name": "Quàng Văn Nam",
        "representative_sex": "male",
        "representative_ethnicity": "Thái",
        "phone": "0215 3811 222",
        "email": "",
        "address": "",
        "commune": MUONG_ANG,
        "legacy_commune": "",
        "founded_on": "2019-05-02",
        "member_count": "7",
        "worker_count": "",
    }
    data.update(overrides)
    return data


def document_form_data(content, name="giay-chung-nhan.pdf", **overrides):
    data = {
        "kind": "food_safety",
        "title": "",
        "number": "15/2025/GCN-ATTP",
        "issuer": "Sở Nông nghiệp và Môi trường tỉnh Điện Biên",
        "issued_on": "2025-01-15",
        "expires_on": "2028-01-14",
        "file": SimpleUploadedFile(name, content),
    }
    data.update(overrides)
    return data


class ProducerViewTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.producer = ProducerFactory(
            name="HTX Chè Mường Ảng", commune=commune(MUONG_ANG), registration_number="5600000100"
        )
        cls.other_producer = ProducerFactory(
            name="HTX Đoàn Kết Lai Châu", commune=commune(DOAN_KET)
        )
        # No file on disk: files are written per test into temporary folders.
        cls.document = ProducerDocumentFactory(
            producer=cls.producer, file="producers/placeholder.pdf", number="1/GCN"
        )
        cls.users = {
            "central": central_officer(),
            "dien_bien_office": province_officer(DIEN_BIEN),
            "lai_chau_office": province_officer(LAI_CHAU),
            "own_commune_officer": commune_officer(MUONG_ANG),
            "other_commune_officer": commune_officer(DIEN_BIEN_PHU),
            "member": producer_member(cls.producer),
            "other_member": producer_member(cls.other_producer),
        }

    def login(self, role):
        self.client.force_login(self.users[role])

    def url(self, name, *args):
        return reverse(f"producers:{name}", args=args)


class AnonymousTests(ProducerViewTestCase):
    def test_anonymous_is_redirected_to_login_everywhere_and_nothing_changes(self):
        pk, document_pk = self.producer.pk, self.document.pk
        requests = [
            ("get", self.url("producer_list")),
            ("get", self.url("producer_create")),
            ("post", self.url("producer_create")),
            ("get", self.url("producer_detail", pk)),
            ("get", self.url("producer_edit", pk)),
            ("post", self.url("producer_edit", pk)),
            ("get", self.url("document_create", pk)),
            ("post", self.url("document_create", pk)),
            ("get", self.url("document_download", pk, document_pk)),
            ("get", self.url("legacy_commune_options") + f"?commune={MUONG_ANG}"),
        ]
        before = database_state()
        for method, url in requests:
            with self.subTest(method=method, url=url):
                if method == "post":
                    response = self.client.post(url, producer_form_data(name="Hacked"))
                else:
                    response = self.client.get(url)
                assert response.status_code == 302
                assert response["Location"].startswith(reverse("accounts:login"))
        assert database_state() == before


class ProducerListTests(ProducerViewTestCase):
    def test_insiders_find_the_producer_in_the_list(self):
        for role in INSIDERS:
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(self.url("producer_list"))
                assert response.status_code == 200
                self.assertContains(response, self.url("producer_detail", self.producer.pk))

    def test_outsiders_do_not_find_the_producer_in_the_list(self):
        for role in OUTSIDERS:
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(self.url("producer_list"))
                assert response.status_code == 200
                self.assertNotContains(response, self.producer.name)

    def test_search_ignores_tone_marks_and_matches_the_exact_registration_number(self):
        self.login("central")
        for query in ["che muong ang", "CHÈ MƯỜNG", "5600000100"]:
            with self.subTest(query=query):
                response = self.client.get(self.url("producer_list"), {"q": query})
                assert list(response.context["page"].object_list) == [self.producer]

    def test_filters_by_province_commune_and_type(self):
        ProducerFactory(name="DN Điện Biên Phủ", kind="enterprise", commune=commune(DIEN_BIEN_PHU))
        self.login("central")
        cases = [
            ({"province": LAI_CHAU}, ["HTX Đoàn Kết Lai Châu"]),
            ({"province": DIEN_BIEN, "commune": MUONG_ANG}, ["HTX Chè Mường Ảng"]),
            ({"kind": "enterprise"}, ["DN Điện Biên Phủ"]),
        ]
        for params, names in cases:
            with self.subTest(params=params):
                response = self.client.get(self.url("producer_list"), params)
                assert [p.name for p in response.context["page"].object_list] == names

    def test_province_filter_is_only_for_national_users(self):
        self.login("dien_bien_office")
        response = self.client.get(self.url("producer_list"), {"province": LAI_CHAU})
        assert "province" not in response.context["filters"].fields
        assert self.other_producer not in response.context["page"].object_list
        self.assertContains(response, 'name="commune"')
        self.assertNotContains(response, f'value="{DOAN_KET}"')

    def test_malformed_parameters_are_ignored(self):
        self.login("central")
        response = self.client.get(
            self.url("producer_list"),
            {"province": "zz", "commune": "x" * 50, "kind": "bogus", "page": "-3"},
        )
        assert response.status_code == 200
        assert response.context["page"].count == 2

    def test_null_characters_and_odd_codes_in_parameters_do_not_break_the_page(self):
        self.login("central")
        for params in [
            {"q": "a\x00b"},
            {"province": "1\x00"},
            {"province": "11", "commune": "0\x00256"},
            {"province": "١١"},  # Arabic-Indic digits are not a unit code
        ]:
            with self.subTest(params=params):
                response = self.client.get(self.url("producer_list"), params)
                assert response.status_code == 200
        response = self.client.get(self.url("legacy_commune_options"), {"commune": "0\x00256"})
        assert response.status_code == 200

    def test_list_is_sorted_by_name_and_paginated_with_the_filters_kept(self):
        for number in range(30):
            ProducerFactory(name=f"Hộ kinh doanh {number:02d}", commune=commune(MUONG_ANG))
        self.login("dien_bien_office")
        response = self.client.get(self.url("producer_list"), {"q": "ho kinh doanh"})
        names = [p.name for p in response.context["page"].object_list]
        assert names == [f"Hộ kinh doanh {number:02d}" for number in range(25)]
        next_query = response.context["page"].next_query
        assert next_query.startswith("q=ho+kinh+doanh&cursor=")
        self.assertContains(response, f"?{next_query}".replace("&", "&amp;"))
        response = self.client.get(f"{self.url('producer_list')}?{next_query}")
        names = [p.name for p in response.context["page"].object_list]
        assert names == [f"Hộ kinh doanh {number:02d}" for number in range(25, 30)]
        # A link from before keyset pages still reaches the same rows.
        response = self.client.get(self.url("producer_list"), {"q": "ho kinh doanh", "page": 2})
        assert len(response.context["page"].object_list) == 5

    def test_htmx_request_gets_only_the_results(self):
        self.login("central")
        response = self.client.get(
            self.url("producer_list"), {"q": "che"}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        self.assertNotContains(response, "<html")
        self.assertContains(response, self.producer.name)
        assert "HX-Request" in response["Vary"]

    def test_badges_say_sample_or_real(self):
        Producer.objects.filter(pk=self.other_producer.pk).update(is_sample=False)
        self.login("central")
        response = self.client.get(self.url("producer_list"))
        self.assertContains(response, 'class="sample-badge"', count=1)
        self.assertContains(response, 'class="real-badge"', count=1)


class ProducerDetailTests(ProducerViewTestCase):
    def test_insiders_see_the_producer_and_its_documents(self):
        for role in INSIDERS:
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(self.url("producer_detail", self.producer.pk))
                assert response.status_code == 200
                self.assertContains(response, "5600000100")
                self.assertContains(
                    response,
                    self.url("document_download", self.producer.pk, self.document.pk),
                )

    def test_outsiders_get_404_and_nothing_changes(self):
        before = database_state()
        for role in OUTSIDERS:
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(self.url("producer_detail", self.producer.pk))
                assert response.status_code == 404
        assert database_state() == before

    def test_unknown_producer_is_404(self):
        self.login("central")
        assert self.client.get(self.url("producer_detail", 999_999)).status_code == 404

    def test_expired_documents_are_clearly_marked(self):
        ProducerDocumentFactory(
            producer=self.producer,
            file="producers/old.pdf",
            issued_on="2019-01-01",
            expires_on="2022-01-01",
        )
        self.login("member")
        response = self.client.get(self.url("producer_detail", self.producer.pk))
        self.assertContains(response, 'class="expired"', count=1)
        self.assertContains(response, 'class="row-expired"', count=1)

    def test_history_shows_who_changed_what(self):
        self.login("dien_bien_office")
        self.client.post(
            self.url("producer_edit", self.producer.pk),
            producer_form_data(
                name="HTX Chè Mường Ảng",
                registration_number="5600000100",
                commune=DIEN_BIEN_PHU,
            ),
        )
        response = self.client.get(self.url("producer_detail", self.producer.pk))
        self.assertContains(response, "Phường Điện Biên Phủ")
        self.assertContains(response, "<del>Xã Mường Ảng</del>", html=False)


class ProducerCreateTests(ProducerViewTestCase):
    def test_officials_get_the_form_with_only_their_communes(self):
        expectations = {
            "central": {MUONG_ANG, DIEN_BIEN_PHU, DOAN_KET},
            "dien_bien_office": {MUONG_ANG, DIEN_BIEN_PHU},
            "lai_chau_office": {DOAN_KET},
            "own_commune_officer": {MUONG_ANG},
        }
        for role, codes in expectations.items():
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(self.url("producer_create"))
                assert response.status_code == 200
                offered = {
                    commune.pk for commune in response.context["form"].fields["commune"].queryset
                }
                assert codes <= offered
                assert not ({MUONG_ANG, DIEN_BIEN_PHU, DOAN_KET} - codes) & offered

    def test_producer_members_cannot_register_producers_and_nothing_changes(self):
        before = database_state()
        for role in ("member", "other_member"):
            with self.subTest(role=role):
                self.login(role)
                assert self.client.get(self.url("producer_create")).status_code == 403
                response = self.client.post(self.url("producer_create"), producer_form_data())
                assert response.status_code == 403
        assert database_state() == before

    def test_commune_officer_registers_a_producer_in_its_commune(self):
        self.login("own_commune_officer")
        response = self.client.post(
            self.url("producer_create"),
            producer_form_data(registration_number="5600 000 200", legacy_commune="03307"),
        )
        producer = Producer.objects.get(registration_number="5600000200")
        self.assertRedirects(response, self.url("producer_detail", producer.pk))
        assert (producer.commune_id, producer.province_id) == (MUONG_ANG, DIEN_BIEN)
        assert producer.legacy_commune_id == "03307"
        assert AuditEvent.objects.filter(
            action="producer.created", object_id=str(producer.pk)
        ).exists()

    def setUp(self):
        legacy_commune("03307")
        legacy_commune("03388")

    def test_forged_commune_of_another_province_is_refused_and_nothing_is_created(self):
        before = database_state()
        for role, forged in [
            ("dien_bien_office", DOAN_KET),
            ("lai_chau_office", MUONG_ANG),
            ("own_commune_officer", DIEN_BIEN_PHU),
        ]:
            with self.subTest(role=role):
                self.login(role)
                response = self.client.post(
                    self.url("producer_create"), producer_form_data(commune=forged)
                )
                assert response.status_code == 200
                assert response.context["form"].errors["commune"]
        assert database_state() == before

    def test_forged_legacy_commune_of_another_province_is_refused(self):
        before = database_state()
        self.login("dien_bien_office")
        response = self.client.post(
            self.url("producer_create"), producer_form_data(legacy_commune="03388")
        )
        assert response.status_code == 200
        assert response.context["form"].errors["legacy_commune"]
        assert database_state() == before

    def test_duplicate_registration_number_is_a_form_error(self):
        before = database_state()
        self.login("dien_bien_office")
        response = self.client.post(
            self.url("producer_create"), producer_form_data(registration_number="5600000100")
        )
        assert response.status_code == 200
        assert_error_shown(response, "registration_number", "duplicate_registration_number")
        assert database_state() == before

    def test_missing_required_fields_re_render_with_messages(self):
        before = database_state()
        self.login("dien_bien_office")
        response = self.client.post(self.url("producer_create"), {})
        assert response.status_code == 200
        assert set(response.context["form"].errors) >= {"name", "kind", "commune"}
        self.assertContains(response, 'aria-invalid="true"')
        assert database_state() == before


class ProducerEditTests(ProducerViewTestCase):
    def edit_data(self, **overrides):
        values = {
            "name": self.producer.name,
            "registration_number": self.producer.registration_number,
            "commune": self.producer.commune_id,
            "is_sample": "on",
            **overrides,
        }
        return producer_form_data(**values)

    def test_insiders_edit_the_producer(self):
        for number, role in enumerate(INSIDERS):
            with self.subTest(role=role):
                self.login(role)
                assert (
                    self.client.get(self.url("producer_edit", self.producer.pk)).status_code == 200
                )
                response = self.client.post(
                    self.url("producer_edit", self.producer.pk),
                    self.edit_data(phone=f"0215 000 00{number}"),
                )
                self.assertRedirects(response, self.url("producer_detail", self.producer.pk))
                self.producer.refresh_from_db()
                assert self.producer.phone == f"0215 000 00{number}"
                event = AuditEvent.objects.filter(action="producer.updated").first()
                assert event.actor == self.users[role]

    def test_outsiders_get_404_and_nothing_changes(self):
        before = database_state()
        for role in OUTSIDERS:
            with self.subTest(role=role):
                self.login(role)
                url = self.url("producer_edit", self.producer.pk)
                assert self.client.get(url).status_code == 404
                assert self.client.post(url, self.edit_data(phone="1")).status_code == 404
        assert database_state() == before

    def test_member_form_has_no_official_fields(self):
        self.login("member")
        response = self.client.get(self.url("producer_edit", self.producer.pk))
        fields = response.context["form"].fields
        assert not {"registration_number", "commune", "legacy_commune", "is_sample"} & set(fields)
        self.assertNotContains(response, 'name="registration_number"')

    def test_member_cannot_set_official_fields_by_forging_the_post(self):
        self.login("member")
        response = self.client.post(
            self.url("producer_edit", self.producer.pk),
            self.edit_data(
                registration_number="9999999999",
                commune=DIEN_BIEN_PHU,
                legacy_commune="03307",
                is_sample="",
                phone="0215 777",
            ),
        )
        assert response.status_code == 302
        self.producer.refresh_from_db()
        assert self.producer.phone == "0215 777"
        assert self.producer.registration_number == "5600000100"
        assert self.producer.commune_id == MUONG_ANG
        assert self.producer.legacy_commune_id is None
        assert self.producer.is_sample is True
        changes = AuditEvent.objects.get(action="producer.updated").changes
        assert "phone" in changes
        assert not {"registration_number", "commune_id", "legacy_commune_id", "is_sample"} & set(
            changes
        )

    def test_official_cannot_move_the_producer_out_of_its_scope(self):
        before = database_state()
        self.login("own_commune_officer")
        response = self.client.post(
            self.url("producer_edit", self.producer.pk), self.edit_data(commune=DIEN_BIEN_PHU)
        )
        assert response.status_code == 200
        assert response.context["form"].errors["commune"]
        assert database_state() == before

    def test_service_error_on_a_field_the_form_lacks_is_shown_at_the_top(self):
        """E.g. another official moved the producer while a member was editing."""
        self.login("member")
        error = ValidationError({"commune": "Choose a commune in your area."})
        with mock.patch.object(services, "update_producer", side_effect=error):
            response = self.client.post(
                self.url("producer_edit", self.producer.pk), self.edit_data(phone="1")
            )
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == ["Choose a commune in your area."]

    def test_duplicate_registration_number_is_a_form_error(self):
        ProducerFactory(registration_number="5600000999", commune=commune(MUONG_ANG))
        before = database_state()
        self.login("dien_bien_office")
        response = self.client.post(
            self.url("producer_edit", self.producer.pk),
            self.edit_data(registration_number="5600000999"),
        )
        assert response.status_code == 200
        assert_error_shown(response, "registration_number", "duplicate_registration_number")
        assert database_state() == before


class LegacyCommuneOptionsTests(ProducerViewTestCase):
    def setUp(self):
        legacy_commune("03307")
        legacy_commune("03388")

    def test_options_follow_the_chosen_commune_within_the_users_scope(self):
        cases = [
            ("dien_bien_office", MUONG_ANG, True),
            ("dien_bien_office", DOAN_KET, False),  # not a commune it may choose
            ("central", MUONG_ANG, True),
            ("member", MUONG_ANG, False),
        ]
        for role, code, offered in cases:
            with self.subTest(role=role, commune=code):
                self.login(role)
                response = self.client.get(self.url("legacy_commune_options"), {"commune": code})
                assert response.status_code == 200
                assert ('value="03307"' in response.text) is offered
                assert 'value="03388"' not in response.text


class DocumentUploadTests(ProducerViewTestCase):
    def post(self, role, data, producer=None):
        self.login(role)
        producer = producer or self.producer
        return self.client.post(self.url("document_create", producer.pk), data)

    def test_insiders_get_the_upload_form(self):
        for role in INSIDERS:
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(self.url("document_create", self.producer.pk))
                assert response.status_code == 200
                self.assertContains(response, 'enctype="multipart/form-data"')

    def test_outsiders_get_404_and_nothing_is_stored(self):
        before = database_state()
        for role in OUTSIDERS:
            with self.subTest(role=role):
                self.login(role)
                url = self.url("document_create", self.producer.pk)
                assert self.client.get(url).status_code == 404
                assert self.post(role, document_form_data(MINIMAL_PDF)).status_code == 404
        assert database_state() == before
        assert stored_files() == []

    def test_refused_files_give_a_message_and_store_nothing(self):
        cases = [
            ("renamed program", document_form_data(RENAMED_EXE, name="giay-phep.pdf"), "bad_type"),
            ("broken image", document_form_data(BROKEN_JPEG, name="anh.jpg"), "broken_image"),
            ("empty file", document_form_data(b"", name="trong.pdf"), "empty"),
        ]
        before = database_state()
        for label, data, code in cases:
            with self.subTest(label):
                response = self.post("member", data)
                assert response.status_code == 200
                assert_error_shown(response, "file", code)
        assert database_state() == before
        assert stored_files() == []

    @override_settings(UPLOAD_MAX_BYTES=100)
    def test_oversized_file_is_refused_and_nothing_is_stored(self):
        before = database_state()
        response = self.post("member", document_form_data(MINIMAL_PDF))
        assert response.status_code == 200
        assert_error_shown(response, "file", "too_large")
        assert database_state() == before
        assert stored_files() == []

    def test_expiry_before_issue_is_a_form_error(self):
        before = database_state()
        response = self.post("member", document_form_data(MINIMAL_PDF, expires_on="2020-01-01"))
        assert response.status_code == 200
        assert response.context["form"].errors["expires_on"]
        assert database_state() == before
        assert stored_files() == []

    def test_valid_pdf_and_png_are_stored_and_downloadable_only_by_insiders(self):
        uploads = [
            ("scan.pdf", MINIMAL_PDF, "application/pdf", ".pdf"),
            ("anh-chup.png", png_bytes(), "image/png", ".png"),
        ]
        for name, content, content_type, extension in uploads:
            with self.subTest(name):
                response = self.post("member", document_form_data(content, name=name))
                self.assertRedirects(response, self.url("producer_detail", self.producer.pk))
                document = ProducerDocument.objects.latest("pk")
                assert (document.content_type, document.size) == (content_type, len(content))
                assert document.uploaded_by == self.users["member"]
                url = self.url("document_download", self.producer.pk, document.pk)
                for role in INSIDERS:
                    self.login(role)
                    response = self.client.get(url)
                    assert response.status_code == 200, role
                    assert b"".join(response.streaming_content) == content
                    assert response["Content-Type"] == content_type
                    disposition = response["Content-Disposition"]
                    assert disposition.startswith("attachment; filename=")
                    assert disposition.endswith(f'{extension}"')
                    assert "private" in response["Cache-Control"]
                before = database_state()
                for role in OUTSIDERS:
                    self.login(role)
                    assert self.client.get(url).status_code == 404, role
                assert database_state() == before

    def test_stored_file_is_not_under_a_guessable_or_uploaded_name(self):
        self.post("member", document_form_data(MINIMAL_PDF, name="../../evil.pdf"))
        document = ProducerDocument.objects.latest("pk")
        assert "evil" not in document.file.name
        assert ".." not in document.file.name
        [path] = stored_files()
        # Documents are private: stored outside MEDIA_ROOT, which a web server might serve.
        assert Path(settings.PRIVATE_MEDIA_ROOT) in path.parents
        assert Path(settings.MEDIA_ROOT) not in path.parents


class DocumentDownloadTests(ProducerViewTestCase):
    def setUp(self):
        self.stored = ProducerDocumentFactory(producer=self.producer)
        self.other_document = ProducerDocumentFactory(producer=self.other_producer)

    def test_member_cannot_open_another_producers_document_by_guessing_ids(self):
        self.login("member")
        before = database_state()
        guesses = [
            (self.other_producer.pk, self.other_document.pk),
            (self.producer.pk, self.other_document.pk),  # own producer, foreign document
            (self.other_producer.pk, self.stored.pk),  # foreign producer, own document
            (self.producer.pk, 999_999),
        ]
        for producer_pk, document_pk in guesses:
            with self.subTest(producer=producer_pk, document=document_pk):
                url = self.url("document_download", producer_pk, document_pk)
                assert self.client.get(url).status_code == 404
        assert database_state() == before
        # ... while its own document opens.
        response = self.client.get(self.url("document_download", self.producer.pk, self.stored.pk))
        assert response.status_code == 200

    def test_missing_file_on_disk_is_404_not_500(self):
        self.login("central")
        url = self.url("document_download", self.producer.pk, self.document.pk)
        assert self.client.get(url).status_code == 404

    def test_documents_are_not_linked_through_media_urls(self):
        self.login("central")
        response = self.client.get(self.url("producer_detail", self.producer.pk))
        self.assertNotContains(response, settings.MEDIA_URL)
