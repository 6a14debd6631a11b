"""One permission matrix, kept as data: every URL pattern × every role → the status it answers
(issue 16, "Tests that must exist").

The data is `permission_matrix.csv` beside this file: one row per URL pattern and method (GET,
and POST with an empty form), one column per account of the Điện Biên demo, which covers each
role and, for each owned object, an account of the same role that does not own it:

- ``anonymous``: no session;
- ``huonglinh``, ``htxmau``, ``htxong``, ``htxrau``: members of four producers. Hương Linh owns
  the product, the certificate, the photo, the inquiry and the draft dossier used below; the
  other dossiers belong to the other three (`World` says which object each row asks about);
- ``tuachua``, ``muongthanh``: commune officers of Tủa Chùa and of Mường Thanh;
- ``dienbien``, ``laichau``: the OCOP offices of Điện Biên (every object below is there) and of
  Lai Châu;
- ``trunguong``: the central office;
- ``chutich``, ``hoidong1``, ``tuvan``: the chair, a member and the adviser of Điện Biên's council;
- ``admin``: the administrator.

A cell is the status code, ``login`` for a redirect to the login page, or ``302`` for any other
redirect. The world is the demo as `seed_demo` loads it, plus the objects the demo does not
make (a photo, an inquiry, a problem report, a transitional dossier, a lab order, an import, a
reported recognition). Each request runs in a savepoint that is rolled back, with the cache
cleared, so no request sees what another did (a POST that would act is undone).

The Django admin (``/admin/``) is not in the matrix: `test_the_admin_is_for_staff_only` checks
that every one of its patterns sends every non-staff account to the login page.

When a route is added or an access rule changes on purpose, rewrite the file and review the
diff::

    PERMISSION_MATRIX_WRITE=1 .venv/bin/python -m pytest -p no:xdist \
        ocop/core/tests/test_permission_matrix.py
"""

import csv
import datetime
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import transaction
from django.test import TestCase
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from ocop.accounts.models import User
from ocop.certificates.control.models import Inspection, ProblemReport, RevocationCase
from ocop.certificates.control.problem_reports import report_problem
from ocop.certificates.recognition.models import Certificate, RecognitionDecision
from ocop.demo.seed import seed
from ocop.demo.tests.base import FilesInTemporaryFolder
from ocop.evaluations.models import (
    Council,
    CouncilMember,
    CouncilResult,
    Dossier,
    DossierAttachment,
    LabTestOrder,
    Round,
    ScoreSheet,
)
from ocop.evaluations.services.advisory import order_lab_test
from ocop.evaluations.services.transitional import record_transitional_dossier
from ocop.imports.models import RecognitionImport, ReportedRecognition
from ocop.imports.tests.lists import DIEN_BIEN_ROWS, checked, csv_file
from ocop.market.models import Inquiry, Participation, SalesChannel, TradeEvent
from ocop.producers.models import Producer, ProducerDocument
from ocop.products.models import Product
from ocop.products.services import add_photo
from ocop.products.tests.factories import image_upload
from ocop.rubric.models import SelfAssessment

MATRIX = Path(__file__).with_name("permission_matrix.csv")
ACCOUNTS = (
    "anonymous",
    "huonglinh",
    "htxmau",
    "htxong",
    "htxrau",
    "tuachua",
    "muongthanh",
    "dienbien",
    "laichau",
    "trunguong",
    "chutich",
    "hoidong1",
    "tuvan",
    "admin",
)
METHODS = ("GET", "POST")
HUONG_LINH = "Công ty TNHH MTV Hương Linh"
DIEN_BIEN, XA_TUA_CHUA = "11", "03217"


def url_patterns(patterns=None, prefix="", namespace=""):
    """(route, name) of every URL pattern outside the admin, e.g.
    ("manage/evaluations/<int:pk>/", "evaluations:dossier_detail")."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            full = f"{namespace}:{inner}" if namespace and inner else namespace or inner
            yield from url_patterns(pattern.url_patterns, route, full)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield route, name


def matrix_routes():
    return [(route, name) for route, name in url_patterns() if not route.startswith("admin/")]


def read_matrix() -> dict[tuple[str, str], dict[str, str]]:
    """{(method, route): {account: expected}}"""
    if not MATRIX.exists():
        return {}
    with MATRIX.open(encoding="utf-8", newline="") as file:
        return {
            (row["method"], row["route"]): {account: row[account] for account in ACCOUNTS}
            for row in csv.DictReader(file)
        }


def write_column(account, column: dict[tuple[str, str], str]) -> None:
    """Rewrite the matrix with ``account``'s column (the other columns kept)."""
    names = dict(matrix_routes())
    rows = read_matrix()
    for key, status in column.items():
        rows.setdefault(key, dict.fromkeys(ACCOUNTS, ""))[account] = status
    with MATRIX.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["method", "route", "name", *ACCOUNTS])
        for method, route in sorted(rows, key=lambda key: (key[1], key[0])):
            if route in names:
                cells = rows[method, route]
                writer.writerow([method, route, names[route], *(cells[a] for a in ACCOUNTS)])


class World:
    """The objects each URL pattern is asked about: the demo's, Điện Biên's, one per kind."""

    def __init__(self):
        self.huong_linh = Producer.objects.get(name=HUONG_LINH)
        self.certificate = (
            Certificate.objects.valid_on(timezone.localdate())
            .filter(product__producer=self.huong_linh)
            .order_by("pk")
            .first()
        )
        self.product = self.certificate.product
        self.photo = self.product.photos.order_by("pk").first()
        self.producer_document = ProducerDocument.objects.filter(producer=self.huong_linh).first()
        self.draft = self._dossier(Dossier.Status.DRAFT)
        self.submitted = self._dossier(Dossier.Status.SUBMITTED)
        self.forwarded = self._dossier(Dossier.Status.FORWARDED)
        self.in_round = self._dossier(Dossier.Status.IN_ROUND)
        self.result = CouncilResult.objects.order_by("pk").first()
        self.closed = self.result.dossier
        self.attachment = DossierAttachment.objects.filter(dossier=self.draft).first() or (
            DossierAttachment.objects.order_by("pk").first()
        )
        self.sheet = ScoreSheet.objects.filter(member__user__username="hoidong1").first()
        self.round = Round.objects.filter(province__code=DIEN_BIEN).order_by("pk").first()
        self.council = Council.objects.filter(round=self.round).first()
        self.member = CouncilMember.objects.get(council=self.council, user__username="hoidong1")
        self.lab_test = LabTestOrder.objects.order_by("pk").first()
        self.self_assessment = SelfAssessment.objects.order_by("pk").first()
        self.decision = RecognitionDecision.objects.filter(province__code=DIEN_BIEN).first()
        self.inspection = Inspection.objects.filter(status=Inspection.Status.PLANNED).first()
        self.revocation_case = RevocationCase.objects.order_by("pk").first()
        self.problem_report = ProblemReport.objects.order_by("pk").first()
        self.inquiry = Inquiry.objects.order_by("pk").first()
        self.event = TradeEvent.objects.order_by("pk").first()
        self.participation = Participation.objects.order_by("pk").first()
        self.channel = SalesChannel.objects.filter(product__producer=self.huong_linh).first()
        self.transitional = self.product.transitional_dossiers.first()
        self.import_job = RecognitionImport.objects.order_by("pk").first()
        self.reported = ReportedRecognition.objects.order_by("pk").first()

    @staticmethod
    def _dossier(status):
        return Dossier.objects.filter(status=status).order_by("pk").first()

    @classmethod
    def add_what_the_demo_lacks(cls, users):
        """The objects of the pages the demo leaves empty, made through the services."""
        producer = Producer.objects.get(name=HUONG_LINH)
        product = Product.objects.filter(producer=producer).order_by("pk").first()
        add_photo(product, actor=users["huonglinh"], upload=image_upload())
        certificate = Certificate.objects.filter(product__producer=producer).first()
        report_problem(
            code=certificate.public_code,
            kind=ProblemReport.Kind.FAKE_STAMP,
            message="Tem trông khác (mẫu)",
            reporter_name="Người mua (mẫu)",
            reporter_contact="0900 000 000",
        )
        Inquiry.objects.create(
            product=product,
            producer=producer,
            province_id=producer.province_id,
            buyer_name="Người mua (mẫu)",
            phone="0900 000 001",
            message="Xin báo giá (mẫu)",
        )
        record_transitional_dossier(
            product,
            actor=users["dienbien"],
            kind=Dossier.Kind.FIRST_RATING,
            filed_on=datetime.date(2026, 3, 2),
        )
        order_lab_test(
            Dossier.objects.get(status=Dossier.Status.IN_ROUND),
            actor=users["tuvan"],
            laboratory="Phòng thử nghiệm (mẫu)",
            tests="Dư lượng thuốc bảo vệ thực vật (mẫu)",
        )
        job = checked(csv_file(DIEN_BIEN_ROWS), actor=users["dienbien"], province=producer.province)
        ReportedRecognition.objects.create(product=product, star=3, imported_by=job, row=1)


# The URL keyword arguments of each named pattern, from the world.
KWARGS = {
    "market:product_detail": lambda w: {"pk": w.product.pk},
    "market:photo_image": lambda w: {"pk": w.product.pk, "photo_pk": w.photo.pk},
    "market:photo_thumbnail": lambda w: {"pk": w.product.pk, "photo_pk": w.photo.pk},
    "market:inquiry_create": lambda w: {"pk": w.product.pk},
    "market:inquiry_sent": lambda w: {"pk": w.product.pk},
    "market:producer_detail": lambda w: {"pk": w.huong_linh.pk},
    "market:province_detail": lambda w: {"code": DIEN_BIEN},
    "market:inquiry_detail": lambda w: {"pk": w.inquiry.pk},
    "market:inquiry_update": lambda w: {"pk": w.inquiry.pk},
    "market:event_detail": lambda w: {"pk": w.event.pk},
    "market:event_ics": lambda w: {"pk": w.event.pk},
    "market:channel_list": lambda w: {"product_pk": w.product.pk},
    "market:channel_update": lambda w: {"pk": w.channel.pk},
    "market:channel_delete": lambda w: {"pk": w.channel.pk},
    "market:event_manage": lambda w: {"pk": w.event.pk},
    "market:event_update": lambda w: {"pk": w.event.pk},
    "market:event_delete": lambda w: {"pk": w.event.pk},
    "market:event_join": lambda w: {"pk": w.event.pk},
    "market:participant_add": lambda w: {"pk": w.event.pk},
    "market:participation_update": lambda w: {"pk": w.participation.pk},
    "producers:producer_detail": lambda w: {"pk": w.huong_linh.pk},
    "producers:producer_edit": lambda w: {"pk": w.huong_linh.pk},
    "producers:personal_data_log": lambda w: {"pk": w.huong_linh.pk},
    "producers:document_create": lambda w: {"pk": w.huong_linh.pk},
    "producers:document_download": lambda w: {
        "pk": w.huong_linh.pk,
        "document_pk": w.producer_document.pk,
    },
    "products:product_detail": lambda w: {"pk": w.product.pk},
    "products:product_edit": lambda w: {"pk": w.product.pk},
    "products:photo_add": lambda w: {"pk": w.product.pk},
    "products:photo_file": lambda w: {"pk": w.product.pk, "photo_pk": w.photo.pk},
    "products:photo_thumbnail": lambda w: {"pk": w.product.pk, "photo_pk": w.photo.pk},
    "products:photo_remove": lambda w: {"pk": w.product.pk, "photo_pk": w.photo.pk},
    "products:photo_move": lambda w: {"pk": w.product.pk, "photo_pk": w.photo.pk},
    "rubric:selfassessment_detail": lambda w: {"pk": w.self_assessment.pk},
    "rubric:selfassessment_answer": lambda w: {"pk": w.self_assessment.pk},
    "rubric:selfassessment_finish": lambda w: {"pk": w.self_assessment.pk},
    "rubric:selfassessment_print": lambda w: {"pk": w.self_assessment.pk},
    # The producer's steps on a draft; the commune's on a submitted dossier; the province's on
    # a forwarded one; the council's on one in the round; printouts of a closed one.
    "evaluations:dossier_detail": lambda w: {"pk": w.draft.pk},
    "evaluations:dossier_edit": lambda w: {"pk": w.draft.pk},
    "evaluations:dossier_attachments": lambda w: {"pk": w.draft.pk},
    "evaluations:dossier_document": lambda w: {
        "pk": w.attachment.dossier_id,
        "document_pk": w.attachment.document_id,
    },
    "evaluations:dossier_self_assessment": lambda w: {"pk": w.submitted.pk},
    "evaluations:dossier_submit": lambda w: {"pk": w.draft.pk},
    "evaluations:dossier_withdraw": lambda w: {"pk": w.submitted.pk},
    "evaluations:dossier_review": lambda w: {"pk": w.submitted.pk},
    "evaluations:dossier_accept": lambda w: {"pk": w.submitted.pk},
    "evaluations:dossier_return": lambda w: {"pk": w.submitted.pk},
    "evaluations:dossier_assign": lambda w: {"pk": w.forwarded.pk},
    "evaluations:dossier_decide": lambda w: {"pk": w.forwarded.pk},
    "evaluations:dossier_office_check": lambda w: {"pk": w.forwarded.pk},
    "evaluations:dossier_send_ministry": lambda w: {"pk": w.forwarded.pk},
    "evaluations:sitevisit_create": lambda w: {"pk": w.in_round.pk},
    "evaluations:labtest_create": lambda w: {"pk": w.in_round.pk},
    "evaluations:labtest_result": lambda w: {"pk": w.lab_test.pk},
    "evaluations:conflict_declare": lambda w: {"pk": w.in_round.pk},
    "evaluations:scoresheet_detail": lambda w: {"pk": w.in_round.pk},
    "evaluations:scoresheet_answer": lambda w: {"pk": w.in_round.pk},
    "evaluations:scoresheet_submit": lambda w: {"pk": w.in_round.pk},
    "evaluations:dossier_scoring": lambda w: {"pk": w.in_round.pk},
    "evaluations:dossier_close_scoring": lambda w: {"pk": w.in_round.pk},
    "evaluations:scoresheet_return": lambda w: {"pk": w.in_round.pk, "member_pk": w.member.pk},
    "evaluations:dossier_registration_pdf": lambda w: {"pk": w.closed.pk},
    "evaluations:dossier_self_assessment_pdf": lambda w: {"pk": w.closed.pk},
    "evaluations:dossier_review_pdf": lambda w: {"pk": w.closed.pk},
    "evaluations:scoresheet_pdf": lambda w: {"pk": w.closed.pk},
    "evaluations:scoresheet_member_pdf": lambda w: {"pk": w.sheet.pk},
    "evaluations:result_minutes_pdf": lambda w: {"pk": w.result.pk},
    "evaluations:round_detail": lambda w: {"pk": w.round.pk},
    "evaluations:round_assign": lambda w: {"pk": w.round.pk},
    "evaluations:round_close": lambda w: {"pk": w.round.pk},
    "evaluations:council_create": lambda w: {"pk": w.round.pk},
    "evaluations:council_edit": lambda w: {"pk": w.council.pk},
    "evaluations:councilmember_add": lambda w: {"pk": w.council.pk},
    "evaluations:councilmember_remove": lambda w: {"pk": w.council.pk, "member_pk": w.member.pk},
    "evaluations:transitional_detail": lambda w: {"pk": w.transitional.pk},
    "certificates:certificate_detail": lambda w: {"pk": w.certificate.pk},
    "certificates:certificate_revoke": lambda w: {"pk": w.certificate.pk},
    "certificates:decision_detail": lambda w: {"pk": w.decision.pk},
    "certificates:decision_pdf": lambda w: {"pk": w.decision.pk},
    "certificates:decision_sign": lambda w: {"pk": w.decision.pk},
    "certificates:decision_discard": lambda w: {"pk": w.decision.pk},
    "certificates:product_certificates": lambda w: {"pk": w.product.pk},
    "certificates:dossier_decision": lambda w: {"pk": w.closed.pk},
    "inspections:inspection_detail": lambda w: {"pk": w.inspection.pk},
    "inspections:inspection_record": lambda w: {"pk": w.inspection.pk},
    "inspections:inspection_follow_up": lambda w: {"pk": w.inspection.pk},
    "inspections:inspection_escalate": lambda w: {"pk": w.inspection.pk},
    "inspections:inspection_cancel": lambda w: {"pk": w.inspection.pk},
    "revocations:revocation_case_record": lambda w: {"pk": w.revocation_case.certificate_id},
    "revocations:revocation_case_withdraw": lambda w: {"pk": w.revocation_case.pk},
    "problem_reports:problem_report_detail": lambda w: {"pk": w.problem_report.pk},
    "problem_reports:problem_report_handle": lambda w: {"pk": w.problem_report.pk},
    "problem_reports:problem_report_reopen": lambda w: {"pk": w.problem_report.pk},
    "stats:export_national": lambda w: {"table": "by_star", "fmt": "csv"},
    "stats:dashboard_province": lambda w: {"code": DIEN_BIEN},
    "stats:monthly_report_province": lambda w: {"code": DIEN_BIEN},
    "stats:export_province": lambda w: {"code": DIEN_BIEN, "table": "by_star", "fmt": "csv"},
    "stats:dashboard_commune": lambda w: {"code": XA_TUA_CHUA},
    "stats:monthly_report_commune": lambda w: {"code": XA_TUA_CHUA},
    "stats:export_commune": lambda w: {"code": XA_TUA_CHUA, "table": "by_star", "fmt": "csv"},
    "imports:import_detail": lambda w: {"pk": w.import_job.pk},
    "imports:import_progress": lambda w: {"pk": w.import_job.pk},
    "imports:import_commit": lambda w: {"pk": w.import_job.pk},
    "imports:import_report": lambda w: {"pk": w.import_job.pk},
    "imports:import_file": lambda w: {"pk": w.import_job.pk},
    "imports:reported_complete": lambda w: {"pk": w.reported.pk},
    "imports:reported_dismiss": lambda w: {"pk": w.reported.pk},
    "open_data:dataset": lambda w: {"name": "stars", "fmt": "csv"},
    "verify:certificate_verify": lambda w: {"code": w.certificate.public_code},
    "verify:problem_report": lambda w: {"code": w.certificate.public_code},
    "verify:pdf_check": lambda w: {"code": w.certificate.public_code},
    "verify:problem_report_sent": lambda w: {"code": w.certificate.public_code},
    "verify:certificate_pdf": lambda w: {"code": w.certificate.public_code},
    "verify:certificate_stamps_pdf": lambda w: {"code": w.certificate.public_code},
}


# The query string of the patterns that read their object from it.
QUERY = {
    "rubric:selfassessment_start": lambda w: {"product": w.product.pk},
}


def outcome(response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        path = urlsplit(response["Location"]).path
        return "login" if path == reverse("accounts:login") else "302"
    return str(response.status_code)


class PermissionMatrixTests(FilesInTemporaryFolder, TestCase):
    @classmethod
    def setUpTestData(cls):
        seed()
        users = {user.username: user for user in User.objects.filter(username__in=ACCOUNTS)}
        World.add_what_the_demo_lacks(users)
        cls.world = World()

    def statuses(self, account) -> dict[tuple[str, str], str]:
        user = None if account == "anonymous" else User.objects.get(username=account)
        found = {}
        for route, name in matrix_routes():
            kwargs = KWARGS[name](self.world) if name in KWARGS else {}
            query = QUERY[name](self.world) if name in QUERY else {}
            url = reverse(name, kwargs=kwargs, query=query)
            for method in METHODS:
                cache.clear()
                with transaction.atomic():
                    if user is not None:
                        self.client.force_login(user)
                    response = getattr(self.client, method.lower())(url)
                    transaction.set_rollback(True)
                self.client.logout()
                found[method, route] = outcome(response)
        return found

    def check_account(self, account):
        found = self.statuses(account)
        if os.environ.get("PERMISSION_MATRIX_WRITE"):
            write_column(account, found)
            return
        expected = read_matrix()
        differences = [
            f"{method} /{route} as {account}: expected {expected[method, route][account]}, "
            f"got {status}"
            for (method, route), status in sorted(found.items())
            if (method, route) in expected and expected[method, route][account] != status
        ]
        self.assertEqual(differences, [], "\n".join(differences))

    def test_anonymous(self):
        self.check_account("anonymous")

    def test_huonglinh(self):
        self.check_account("huonglinh")

    def test_htxmau(self):
        self.check_account("htxmau")

    def test_htxong(self):
        self.check_account("htxong")

    def test_htxrau(self):
        self.check_account("htxrau")

    def test_tuachua(self):
        self.check_account("tuachua")

    def test_muongthanh(self):
        self.check_account("muongthanh")

    def test_dienbien(self):
        self.check_account("dienbien")

    def test_laichau(self):
        self.check_account("laichau")

    def test_trunguong(self):
        self.check_account("trunguong")

    def test_chutich(self):
        self.check_account("chutich")

    def test_hoidong1(self):
        self.check_account("hoidong1")

    def test_tuvan(self):
        self.check_account("tuvan")

    def test_admin(self):
        self.check_account("admin")

    def test_every_account_has_a_test(self):
        tests = {name.removeprefix("test_") for name in dir(self) if name.startswith("test_")}
        self.assertLessEqual(set(ACCOUNTS), tests)

    def test_every_object_of_the_world_exists(self):
        missing = [name for name, value in vars(self.world).items() if value is None]
        self.assertEqual(missing, [])


class MatrixCoversEveryRouteTests(TestCase):
    """Adding a URL pattern without its row fails here, as does a row left for a removed one."""

    def test_every_url_pattern_has_its_rows_and_every_row_a_pattern(self):
        routes = {route for route, _name in matrix_routes()}
        rows = read_matrix()
        missing = sorted(
            f"{method} /{route}"
            for route in routes
            for method in METHODS
            if (method, route) not in rows
        )
        stale = sorted(f"{method} /{route}" for method, route in rows if route not in routes)
        self.assertEqual(missing, [], "routes missing from permission_matrix.csv")
        self.assertEqual(stale, [], "rows of permission_matrix.csv for removed routes")

    def test_every_cell_is_filled(self):
        empty = [
            f"{method} /{route} as {account}"
            for (method, route), cells in read_matrix().items()
            for account, status in cells.items()
            if not status
        ]
        self.assertEqual(empty, [])

    def test_every_pattern_with_arguments_has_its_object(self):
        names = {name for route, name in matrix_routes() if "<" in route}
        self.assertEqual(sorted(names - set(KWARGS)), [])
        self.assertEqual(sorted(set(KWARGS) - names), [])


class AdminTests(TestCase):
    def test_the_admin_is_for_staff_only(self):
        """Every admin pattern sends a visitor and an official who is not staff to a login
        page (``AdminSite.admin_view``), or refuses them (403: the admin's login page, to
        someone logged in without staff rights), and answers nothing else."""
        official = User.objects.create_user("official-not-staff", password="x")
        leaks = []
        for url in admin_urls():
            for user in (None, official):
                if user:
                    self.client.force_login(user)
                response = self.client.get(url)
                self.client.logout()
                location = urlsplit(response.get("Location", "")).path
                refused = response.status_code == 403 or (
                    response.status_code == 302 and location in LOGIN_PAGES
                )
                if not refused:
                    leaks.append(f"{url} as {user or 'anonymous'}: {response.status_code}")
        self.assertEqual(leaks, [])


LOGIN_PAGES = ("/admin/login/", "/accounts/login/")
ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def admin_urls():
    """One URL per admin pattern: its app label one that fits, every other argument 1."""
    from django.contrib import admin

    labels = sorted({model._meta.app_label for model in admin.site._registry})
    urls = []
    for route, name in url_patterns():
        if not route.startswith("admin/") or name in ("admin:login", "admin:logout"):
            continue
        if name is None:  # the old change URLs, and our admin login page
            urls.append("/" + ARGUMENT.sub("1", route))
            continue
        for label in labels:
            kwargs = {
                key: label if key == "app_label" else "1" for key in _pattern_arguments(route)
            }
            try:
                urls.append(reverse(name, kwargs=kwargs))
                break
            except NoReverseMatch:
                continue
        else:
            raise AssertionError(f"no URL for the admin pattern {route!r} ({name})")
    return urls


def _pattern_arguments(route):
    return [path or regex for path, regex in ARGUMENT.findall(route)]
