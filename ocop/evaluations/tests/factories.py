"""The cast and the props of the evaluation tests, built through the services so that every
row is one the application itself could have written.

Dates: the tests travel to Monday 1 June 2026, 09:00 in Viet Nam (rubric 26/2026 is in force
since 22 May 2026; provincial round 1 of 2026 is closed to new dossiers, round 2 takes those
proposed before 30 October).
"""

import datetime
import sqlite3
import zoneinfo
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, connections
from django.utils import timezone

from ocop.accounts.tests.factories import UserFactory, central_officer, commune_officer
from ocop.accounts.tests.factories import province_officer as make_province_officer
from ocop.producers.choices import DocumentKind
from ocop.producers.tests.factories import ProducerDocumentFactory, ProducerFactory, producer_member
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import commune
from ocop.rubric.engine import load_sheet, score_sheet
from ocop.rubric.tests.factories import self_assessment

from ..models import CommuneReview, CouncilMember, Round
from ..services.dossiers import create_dossier, set_attachments, submit_dossier
from ..services.review import accept_dossier, review_dossier
from ..services.rounds import add_council_member, create_council, create_round
from ..services.scoring import declare_conflict, save_score_sheet, submit_score_sheet

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=VN)
TODAY = NOW.date()

# Criterion code -> best option of sheet 11 (tea): 100 points, 5 stars.
TEA = 11


def best_answers(sheet_number=TEA) -> dict[str, int]:
    sheet = load_sheet(sheet_number)
    return {
        code: max(criterion.options, key=lambda option: option.points).number
        for code, criterion in sheet.criteria.items()
    }


def answers_for_total(total, sheet_number=TEA) -> dict[str, int]:
    """Answers scoring exactly ``total`` points, lowering the last criteria first and keeping
    every star minimum met for as long as the total allows (so the star is the band's)."""
    sheet = load_sheet(sheet_number)
    answers = best_answers(sheet_number)

    def points(candidate):
        return score_sheet(sheet, candidate).total

    for keep_minimums in (True, False):
        for code in reversed(list(sheet.criteria)):
            criterion = sheet.criteria[code]
            floor = max(
                (option.points for option in criterion.options if option.star_minimum),
                default=0,
            )
            for option in sorted(criterion.options, key=lambda option: option.points):
                if keep_minimums and option.points < floor:
                    continue
                trial = {**answers, code: option.number}
                if points(trial) >= total:
                    answers = trial
                    break
            if points(answers) == total:
                return answers
    raise AssertionError(f"cannot build answers for {total} points")


def complete_review(**overrides) -> dict:
    """A commune review that forwards: complete dossier, the four points assessed."""
    data = dict.fromkeys(CommuneReview.CHECKLIST_FIELDS, True)
    for finding in CommuneReview.FINDING_FIELDS:
        data[finding] = CommuneReview.Finding.YES
        data[f"{finding}_note"] = "Xác minh thực tế tại xã (dữ liệu mẫu)."
    data.update(overrides)
    return data


FORM = {
    "representative_position": "Giám đốc",
    "contact_address": "Bản Mường Ảng, xã Mường Ảng",
    "phone": "0215 3800 111",
    "is_declaration_accepted": True,
}


@dataclass
class Cast:
    """A producer with two members, the officials of its commune and province, an outsider of
    each kind, and the central office."""

    producer: object
    product: object
    member: object
    second_member: object
    food_safety: object
    commune_officer: object
    province_officer: object
    central_officer: object
    other_commune_officer: object
    other_province_officer: object
    outsider: object
    extra: dict = field(default_factory=dict)


def make_cast(*, product=None) -> Cast:
    producer = product.producer if product else ProducerFactory(commune=commune("03256"))
    product = product or ProductFactory(producer=producer, scoring_set_id=TEA)
    member = producer_member(producer, email="htx.member@example.vn")
    second = producer_member(producer, email="htx.second@example.vn")
    food_safety = ProducerDocumentFactory(
        producer=producer,
        kind=DocumentKind.FOOD_SAFETY,
        issued_on=datetime.date(2025, 1, 15),
        expires_on=datetime.date(2028, 1, 14),
    )
    return Cast(
        producer=producer,
        product=product,
        member=member,
        second_member=second,
        food_safety=food_safety,
        commune_officer=commune_officer("03256"),
        province_officer=make_province_officer("11"),
        central_officer=central_officer(),
        other_commune_officer=commune_officer("03127"),
        other_province_officer=make_province_officer("12"),
        outsider=UserFactory(),
    )


def finished_self_assessment(cast, answers=None):
    return self_assessment(
        cast.product,
        answers=answers if answers is not None else answers_for_total(80),
        finished=True,
        actor=cast.member,
    )


def draft_dossier(cast, *, documents=None, **kwargs):
    dossier = create_dossier(cast.product, actor=cast.member, data=FORM, **kwargs)
    set_attachments(
        dossier,
        actor=cast.member,
        documents=[cast.food_safety] if documents is None else documents,
    )
    return dossier


def submitted_dossier(cast, answers=None):
    finished_self_assessment(cast, answers)
    dossier = draft_dossier(cast)
    return submit_dossier(dossier, actor=cast.member)


def accepted_dossier(cast, answers=None):
    dossier = submitted_dossier(cast, answers)
    review_dossier(
        dossier,
        actor=cast.commune_officer,
        decision=CommuneReview.Decision.FORWARD,
        data=complete_review(),
    )
    return accept_dossier(dossier, actor=cast.province_officer)


@dataclass
class Panel:
    """A round with its council: a chair, a secretary, members and an adviser."""

    round: Round
    council: object
    chair: object
    scorers: list  # chair first, then the secretary and the members
    adviser: object


def make_panel(
    *,
    organiser,
    level=Round.Level.PROVINCE,
    province=None,
    members=3,
    number=2,
    kind=Round.Kind.STATUTORY,
    decide_before=None,
):
    """A statutory round (number 2 by default; or an extra round deciding before
    ``decide_before``) with a council of a chair, a secretary, ``members`` members and one
    adviser: ``members + 2`` scoring seats."""
    round_ = create_round(
        actor=organiser,
        level=level,
        year=decide_before.year if decide_before else 2026,
        number=number,
        province=province,
        kind=kind,
        decide_before=decide_before,
    )
    council = create_council(round_, actor=organiser, data={"name": "Hội đồng mẫu"})
    chair = UserFactory(email="chair@example.vn")
    add_council_member(council, actor=organiser, user=chair, role="chair")
    secretary = UserFactory()
    add_council_member(council, actor=organiser, user=secretary, role="secretary")
    scorers = [chair, secretary]
    for _ in range(members):
        user = UserFactory()
        add_council_member(council, actor=organiser, user=user, role="member")
        scorers.append(user)
    adviser = UserFactory()
    add_council_member(council, actor=organiser, user=adviser, role=CouncilMember.Role.ADVISER)
    return Panel(round_, council, chair, scorers, adviser)


def score(dossier, user, answers, *, submit=True, **kwargs):
    """A council member declares no conflict, fills in and (by default) submits a sheet."""
    declare_conflict(dossier, actor=user, has_conflict=False)
    sheet = save_score_sheet(dossier, actor=user, answers=answers, **kwargs)
    if submit:
        sheet = submit_score_sheet(sheet, actor=user)
    return sheet


def load_reference_data():
    """What the migrations load and a TransactionTestCase flushes: the classification, the
    rubric 26/2026 and the official days off (administrative units come from the factories)."""
    from ocop.core.holidays import load_public_holidays
    from ocop.products.classification import load_classification
    from ocop.products.models import ProductGroup, ScoringSet, Sector
    from ocop.rubric.services import load_version_from_data

    load_classification(Sector, ProductGroup, ScoringSet)
    load_version_from_data("26-2026")
    load_public_holidays()


@contextmanager
def file_database_for_threads(tmp_path):
    """Run threads against a database where writers wait for each other as in production.

    PostgreSQL: nothing to do, every thread gets its own connection and row locks serialise.
    SQLite: the test database lives in memory with a shared cache, where a second writer fails
    at once with "database table is locked" instead of waiting. Inside this block the default
    database is a file copy of it, opened with the project's settings (WAL, IMMEDIATE
    transactions, busy timeout) by every thread, the main one included; the copy is dropped
    afterwards and the in-memory database is left as it was.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    path = str(tmp_path / "concurrency.sqlite3")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    original_settings = connections.settings["default"]
    original_connection = connections["default"]
    connections.settings["default"] = {**original_settings, "NAME": path}
    del connections["default"]
    try:
        yield
    finally:
        connections["default"].close()
        connections.settings["default"] = original_settings
        connections["default"] = original_connection


# --------------------------------------------------------------------------------------
# For the pages' tests
# --------------------------------------------------------------------------------------


def database_state():
    """Everything a refused request could have changed: every row, whole, of the workflow's
    tables and of the audit log. Comparing whole rows (not counts) catches an in-place edit
    of a council member, a conflict declaration, a site visit, a lab order, a commune review
    or an attachment by a request that should have been refused (issue 16)."""
    from ocop.core.models import AuditEvent

    from .. import models

    tracked = [
        models.Dossier,
        models.DossierAttachment,
        models.ReceiptCounter,
        models.CommuneReview,
        models.Round,
        models.RoundDossier,
        models.Council,
        models.CouncilMember,
        models.ConflictDeclaration,
        models.SiteVisit,
        models.LabTestOrder,
        models.ScoreSheet,
        models.CouncilResult,
        AuditEvent,
    ]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in tracked}


def another_product(cast):
    """The same people with another tea product of the same producer (one open dossier is
    allowed per product)."""
    import dataclasses

    return dataclasses.replace(
        cast, product=ProductFactory(producer=cast.producer, scoring_set_id=TEA)
    )


def forwarded_dossier(cast, answers=None):
    dossier = submitted_dossier(cast, answers)
    review_dossier(
        dossier,
        actor=cast.commune_officer,
        decision=CommuneReview.Decision.FORWARD,
        data=complete_review(),
    )
    dossier.refresh_from_db()
    return dossier


# Far above the numbers the services give in a test, so the two never meet.
_ROW_SEQUENCE = iter(range(5001, 10**6))


def recognise(dossier, actor, *, decided_on=None):
    """Sign a decision recognising a proposed dossier, through the certificates services (an
    upgrade or a re-rating starts from the certificate it issues)."""
    from ocop.certificates.recognition.services import create_decision_from_results, sign_decision

    dossier.refresh_from_db()
    decided_on = decided_on or timezone.localdate()
    decision = create_decision_from_results(
        dossier.province,
        actor=actor,
        results=[dossier.decisive_result],
        number=f"{dossier.pk}/QĐ-UBND",
        decided_on=decided_on,
        signer_name="Chủ tịch UBND tỉnh (mẫu)",
    )
    return sign_decision(decision, actor=actor)


def dossier_row(product=None, *, status="submitted", **fields):
    """A dossier row written directly (no service), for the query-count tests that need many
    dossiers: consistent with what the services write, without their cost."""
    from ocop.rubric.models import RubricVersion

    from ..models import Dossier

    product = product or ProductFactory(
        producer=ProducerFactory(commune=commune("03256")), scoring_set_id=TEA
    )
    producer = product.producer
    number = next(_ROW_SEQUENCE)
    values = {
        "product": product,
        "producer": producer,
        "province_id": producer.province_id,
        "commune_id": producer.commune_id,
        "kind": Dossier.Kind.FIRST_RATING,
        "rubric_version": RubricVersion.objects.get(code="26/2026"),
        "sheet_number": product.scoring_set_id,
        "status": status,
        "applicant_name": producer.name,
        "representative_name": producer.representative_name,
        "product_name": product.name,
    }
    if status != Dossier.Status.DRAFT:
        values.update(
            submitted_at=NOW,
            received_on=TODAY,
            commune_deadline=datetime.date(2026, 6, 22),
            receipt_number=f"{number:03d}/PĐK-{producer.province_id}-{producer.commune_id}-2026",
            receipt_sequence=number,
        )
    values.update(fields)
    return Dossier.objects.create(**values)
