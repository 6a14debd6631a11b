"""The evaluation chain of the Điện Biên demo: the "evaluation" block of data/dien_bien.json.

Everything is written through the owning apps' services, by the demo accounts, on the day the
seed runs, so statuses, receipt numbers, deadlines and the hash-chained audit log are the ones
the application itself writes:

- a food-safety certificate (a sample PDF) in the evidence locker of each producer that files;
- the council of the next provincial round of Điện Biên that a dossier forwarded today can
  still join (``deadlines.next_province_round``), with its seats;
- a self-assessment draft, and one dossier per stage (``STAGES``): each with a finished
  self-assessment and the certificate attached, then submitted, reviewed by the commune,
  accepted and put in the round, scored by some members, and closed by the chair.

Idempotent: a dossier is the demo's when the demo account filed it for that product as a first
rating; once there (whatever its status now, e.g. after someone walked it on in the pages) it
is left alone. The council is found by its name in the province, certificates by producer,
kind and number, the self-assessment draft by its product. A stage that cannot be built on
the day (e.g. no rubric in force) is skipped with a note instead of failing the seed; each
stage is built in its own savepoint, so a skipped one leaves no row behind.
"""

import datetime
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ocop.accounts.models import User
from ocop.core.deadlines import add_months, next_province_round
from ocop.core.text import normalize
from ocop.evaluations.models import CommuneReview, Council, CouncilMember, Dossier, Round
from ocop.evaluations.services.advisory import record_site_visit
from ocop.evaluations.services.dossiers import create_dossier, set_attachments, submit_dossier
from ocop.evaluations.services.results import close_scoring
from ocop.evaluations.services.review import accept_dossier, review_dossier
from ocop.evaluations.services.rounds import (
    add_council_member,
    assign_dossier_to_round,
    create_council,
    create_round,
)
from ocop.evaluations.services.scoring import declare_conflict, save_score_sheet, submit_score_sheet
from ocop.producers import services as producer_services
from ocop.producers.choices import DocumentKind
from ocop.producers.models import Producer, ProducerDocument
from ocop.products.models import Product
from ocop.regions.models import Province
from ocop.rubric import services as rubric
from ocop.rubric.engine import band_star, score_sheet
from ocop.rubric.loading import engine_sheet
from ocop.rubric.models import SelfAssessment

from .documents import SAMPLE_PDF

COUNCIL_ROLE = "council_member"  # the data file's role for council seats ("scope": seat role)
STAGES = ("draft", "submitted", "forwarded", "in_round", "closed")
DRAFT, SUBMITTED, FORWARDED, IN_ROUND, CLOSED = range(len(STAGES))
SAMPLE_FILE_NAME = "giay-chung-nhan-attp-mau.pdf"


# --------------------------------------------------------------------------------------
# Answers that add up to a chosen total
# --------------------------------------------------------------------------------------


def _order(salt, turn, code) -> str:
    return hashlib.sha256(f"{salt}|{turn}|{code}".encode()).hexdigest()


def answers_for(sheet, total, *, salt) -> dict[str, int]:
    """Answers of the engine's ``sheet`` scoring ``total`` points (or the nearest total above).

    Starts from every criterion's best option and takes criteria one option down, in an order
    that depends on ``salt`` (so two members' sheets differ) and on nothing else (so every run
    gives the same answers). It keeps the star minimums of ``total``'s band, so the star is the
    band's, and never picks an option worth 0 points (a zero may stop a sheet)."""
    star = band_star(total)
    answers, floors = {}, {}
    for code, criterion in sheet.criteria.items():
        answers[code] = max(criterion.options, key=lambda option: option.points).number
        minimums = [criterion.minimum(level) for level in range(3, star + 1)]
        positive = [option.points for option in criterion.options if option.points > 0]
        floors[code] = max(
            [option.points for option in minimums if option is not None]
            + [min(positive, default=0)]
        )
    current = score_sheet(sheet, answers).total
    turn = 0
    while current > total:
        changed = False
        for code in sorted(sheet.criteria, key=lambda code: _order(salt, turn, code)):
            criterion = sheet.criteria[code]
            points = criterion.option(answers[code]).points
            lower = [o for o in criterion.options if floors[code] <= o.points < points]
            if not lower:
                continue
            trial = {**answers, code: max(lower, key=lambda option: option.points).number}
            result = score_sheet(sheet, trial)
            if result.total >= total and not result.stopped_at:
                answers, current, changed = trial, result.total, True
                if current <= total:
                    break
        if not changed:
            break
        turn += 1
    return answers


# --------------------------------------------------------------------------------------
# Checking the data block
# --------------------------------------------------------------------------------------


def check_evaluation(data) -> list[str]:
    """What in the "evaluation" block does not fit the rest of the data file."""
    block = data.get("evaluation")
    if not block:
        return []
    problems = []
    users = {row["username"]: row for row in data["users"]}
    producer_of = {
        product["name"]: producer
        for producer in data["producers"]
        for product in producer["products"]
    }
    seats = {name: row["scope"] for name, row in users.items() if row["role"] == COUNCIL_ROLE}
    scoring = {name for name, role in seats.items() if role in CouncilMember.SCORING_ROLES}
    chairs = [name for name, role in seats.items() if role == CouncilMember.Role.CHAIR]
    problems += [
        f"council seat of {name}: unknown role {role!r}"
        for name, role in seats.items()
        if role not in CouncilMember.Role.values
    ]
    if seats and len(chairs) != 1:
        problems.append(f"the council needs one chair, not {len(chairs)}")
    organiser = users.get(block["organiser"])
    if not organiser or (organiser["role"], organiser["scope"]) != (
        "province_office",
        data["province"],
    ):
        problems.append(f"organiser {block['organiser']} is not the province's OCOP office")
    numbers = block["food_safety_certificate"]["numbers"]
    for producer_name in numbers:
        members = [
            name
            for name, row in users.items()
            if row["role"] == "producer_member" and row["scope"] == producer_name
        ]
        if len(members) != 1:
            problems.append(f"certificate of {producer_name}: the producer needs one demo member")

    def check_member(row, where):
        producer = producer_of.get(row["product"])
        if producer is None:
            problems.append(f"{where}: product {row['product']} is not in the data file")
            return None
        member = users.get(row["member"])
        if not member or member["role"] != "producer_member" or member["scope"] != producer["name"]:
            problems.append(f"{where}: {row['member']} is not a member of {producer['name']}")
        return producer

    for row in block["self_assessment_drafts"]:
        check_member(row, f"self-assessment draft of {row['product']}")
    products = [row["product"] for row in block["dossiers"]]
    problems += [
        f"two demo dossiers for {name}" for name in set(products) if products.count(name) > 1
    ]
    for row in block["dossiers"]:
        where = f"dossier of {row['product']}"
        producer = check_member(row, where)
        if row["stage"] not in STAGES:
            problems.append(f"{where}: unknown stage {row['stage']!r}")
            continue
        stage = STAGES.index(row["stage"])
        if producer is not None and producer["name"] not in numbers:
            problems.append(f"{where}: no food-safety certificate number for {producer['name']}")
        if stage >= FORWARDED:
            officer = users.get(row.get("commune_officer", ""))
            if (
                not officer
                or officer["role"] != "commune_officer"
                or (producer and officer["scope"] != producer["commune"])
            ):
                problems.append(f"{where}: no commune officer of the producer's commune")
        sheets = {**row.get("sheets", {}), **row.get("draft_sheets", {})}
        problems += [
            f"{where}: {name} has no scoring seat in the council"
            for name in sheets
            if name not in scoring
        ]
        visit = row.get("site_visit")
        if visit and visit["by"] not in seats:
            problems.append(f"{where}: {visit['by']} has no seat in the council")
        if stage == CLOSED and chairs and chairs[0] not in row.get("sheets", {}):
            problems.append(f"{where}: the chair must submit a sheet before closing")
    return problems


# --------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------


class _Run:
    """What one run of the seed needs: the data block, the demo users, the report and the day."""

    def __init__(self, data, users, report, today):
        self.data = data
        self.block = data["evaluation"]
        self.users = users
        self.report = report
        self.today = today
        self.organiser = users[self.block["organiser"]]
        self.producer_names = {
            product["name"]: producer["name"]
            for producer in data["producers"]
            for product in producer["products"]
        }

    def product(self, name) -> Product:
        return Product.objects.select_related("producer").get(
            name=name, producer__name=self.producer_names[name]
        )

    def member_of(self, producer_name):
        """The demo account that acts for the producer."""
        (row,) = [
            row
            for row in self.data["users"]
            if row["role"] == "producer_member" and row["scope"] == producer_name
        ]
        return self.users[row["username"]]

    def council_stage_missing(self) -> bool:
        """Whether a dossier that goes to the council is still to be built."""
        return any(
            STAGES.index(row["stage"]) >= IN_ROUND
            and demo_dossier(self.product(row["product"]), self.users[row["member"]]) is None
            for row in self.block["dossiers"]
        )

    def seat_rows(self):
        return [row for row in self.data["users"] if row["role"] == COUNCIL_ROLE]

    def chair(self):
        (row,) = [row for row in self.seat_rows() if row["scope"] == CouncilMember.Role.CHAIR]
        return self.users[row["username"]]


def seed_evaluation(data, users, report, today=None):
    """Seed the "evaluation" block (see the module's docstring); ``users`` by user name."""
    if not data.get("evaluation"):
        return
    run = _Run(data, users, report, today or timezone.localdate())
    for producer_name in run.block["food_safety_certificate"]["numbers"]:
        _skippable(run, f"certificate of {producer_name}", _certificate, run, producer_name)
    council = _skippable(run, "the council", _council, run)
    for row in run.block["self_assessment_drafts"]:
        _skippable(run, f"self-assessment of {row['product']}", _self_assessment_draft, run, row)
    for row in run.block["dossiers"]:
        _skippable(run, f"dossier of {row['product']}", _dossier, run, row, council)


def _skippable(run, what, function, *args):
    """Run one part in its own savepoint; a refusal by a service becomes a note, not a crash."""
    try:
        with transaction.atomic():
            return function(*args)
    except (ValidationError, PermissionDenied) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        run.report.notes.append(f"{what}: skipped ({' '.join(messages)})")
        return None


def _count(run, label, created):
    (run.report.created if created else run.report.unchanged)[label] += 1


def _certificate(run, producer_name) -> ProducerDocument:
    spec = run.block["food_safety_certificate"]
    number = normalize(spec["numbers"][producer_name])
    producer = Producer.objects.get(name=producer_name)
    document = ProducerDocument.objects.filter(
        producer=producer, kind=DocumentKind.FOOD_SAFETY, number=number
    ).first()
    if document is not None:
        _count(run, ProducerDocument._meta.label, created=False)
        return document
    member = run.member_of(producer_name)
    issued_on = run.today - datetime.timedelta(days=spec["issued_days_before_seeding"])
    document = producer_services.add_document(
        producer,
        actor=member,
        data={
            "kind": DocumentKind.FOOD_SAFETY,
            "title": spec["title"],
            "number": number,
            "issuer": spec["issuer"],
            "issued_on": issued_on,
            "expires_on": add_months(issued_on, spec["valid_months"]),
        },
        upload=ContentFile(SAMPLE_PDF, name=SAMPLE_FILE_NAME),
    )
    _count(run, ProducerDocument._meta.label, created=True)
    return document


def _takes_dossiers_forwarded_on(round_, day) -> bool:
    """Whether a dossier forwarded on ``day`` can still be put in the round."""
    return (
        round_.is_open
        and day < round_.decide_before
        and (round_.forward_before is None or day < round_.forward_before)
    )


def _council(run) -> Council:
    """The demo council (found by its name in the province, the newest one) with every demo
    seat. A new one is set up for the next provincial round that a dossier forwarded today can
    join when there is none, or when a council stage is still to be built and the newest
    council's round can no longer take it."""
    spec = run.block["council"]
    province = Province.objects.get(pk=run.data["province"])
    council = (
        Council.objects.filter(
            round__level=Round.Level.PROVINCE, round__province=province, name=spec["name"]
        )
        .select_related("round")
        .order_by("-pk")
        .first()
    )
    if (
        council is not None
        and run.council_stage_missing()
        and not _takes_dossiers_forwarded_on(council.round, run.today)
    ):
        council = None
    created = []
    if council is None:
        window = next_province_round(run.today)
        round_ = Round.objects.filter(
            level=Round.Level.PROVINCE,
            province=province,
            kind=Round.Kind.STATUTORY,
            year=window.year,
            number=window.number,
        ).first()
        if round_ is None:
            round_ = create_round(
                actor=run.organiser,
                level=Round.Level.PROVINCE,
                province=province,
                year=window.year,
                number=window.number,
                name=spec["round_name"].format(number=window.number, year=window.year),
            )
            created.append(Round)
        council = create_council(
            round_,
            actor=run.organiser,
            data={"name": spec["name"], "establishing_decision": spec["establishing_decision"]},
        )
        created.append(Council)
    seated = set(council.members.values_list("user_id", flat=True))
    for row in run.seat_rows():
        user = run.users[row["username"]]
        if user.pk not in seated:
            add_council_member(
                council,
                actor=run.organiser,
                user=user,
                role=row["scope"],
                organisation=row.get("organisation", ""),
            )
            created.append(CouncilMember)
    for model in created:
        _count(run, model._meta.label, created=True)
    if Council not in created:
        _count(run, Council._meta.label, created=False)
    for _ in range(len(run.seat_rows()) - created.count(CouncilMember)):
        _count(run, CouncilMember._meta.label, created=False)
    return council


def _finished_self_assessment(product, member, total) -> SelfAssessment:
    assessment = rubric.start_self_assessment(product, actor=member)
    answers = answers_for(assessment.engine_sheet(), total, salt=product.name)
    assessment = rubric.save_answers(assessment, actor=member, answers=answers)
    return rubric.finish_self_assessment(assessment, actor=member)


def _self_assessment_draft(run, row):
    """A self-assessment in progress: only the criteria of ``answered_parts`` answered."""
    product = run.product(row["product"])
    label = f"{SelfAssessment._meta.label} (draft)"
    if SelfAssessment.objects.filter(product=product).exists():
        _count(run, label, created=False)
        return
    member = run.users[row["member"]]
    assessment = rubric.start_self_assessment(product, actor=member)
    sheet = assessment.engine_sheet()
    answers = answers_for(sheet, row["total"], salt=product.name)
    parts = set(row["answered_parts"])
    rubric.save_answers(
        assessment,
        actor=member,
        answers={
            code: option for code, option in answers.items() if sheet.criteria[code].part in parts
        },
    )
    _count(run, label, created=True)


def demo_dossier(product, member):
    """The demo's dossier of a product: the first one the demo account filed for it."""
    return Dossier.objects.filter(product=product, created_by=member).order_by("pk").first()


def _dossier(run, row, council):
    """One dossier, taken through the services up to its stage, unless the demo has it."""
    product = run.product(row["product"])
    member = run.users[row["member"]]
    label = Dossier._meta.label
    if demo_dossier(product, member) is not None:
        _count(run, label, created=False)
        return
    target = STAGES.index(row["stage"])
    if target >= IN_ROUND and council is None:
        raise ValidationError("the demo council could not be set up.")
    certificate = ProducerDocument.objects.filter(
        producer=product.producer,
        kind=DocumentKind.FOOD_SAFETY,
        number=normalize(run.block["food_safety_certificate"]["numbers"][product.producer.name]),
    ).first()
    if certificate is None:
        raise ValidationError("the producer's food-safety certificate could not be added.")

    _finished_self_assessment(product, member, row["self_assessment"])
    kind = row.get("kind", Dossier.Kind.FIRST_RATING)
    dossier = create_dossier(product, actor=member, kind=kind, data=row["form"])
    set_attachments(dossier, actor=member, documents=[certificate])
    if target >= SUBMITTED:
        dossier = submit_dossier(dossier, actor=member)
    if target >= FORWARDED:
        review = dict.fromkeys(CommuneReview.CHECKLIST_FIELDS, True)
        for finding, (value, note) in row["review"].items():
            review[finding], review[f"{finding}_note"] = value, note
        review_dossier(
            dossier,
            actor=run.users[row["commune_officer"]],
            decision=CommuneReview.Decision.FORWARD,
            data=review,
        )
    if target >= IN_ROUND:
        _score(run, row, dossier, council)
    if target >= CLOSED:
        close_scoring(dossier, actor=run.chair(), comment=row["closing_note"])
    _count(run, label, created=True)


def _score(run, row, dossier, council):
    """The province accepts the dossier and puts it in the round; the adviser visits; the
    members of ``sheets`` score and submit, those of ``draft_sheets`` only save."""
    accept_dossier(dossier, actor=run.organiser, comment=row.get("accept_comment", ""))
    assign_dossier_to_round(dossier, council.round, actor=run.organiser)
    visit = row.get("site_visit")
    if visit:
        record_site_visit(
            dossier,
            actor=run.users[visit["by"]],
            visited_on=run.today,
            findings=visit["findings"],
            participants=visit["participants"],
        )
    sheet = engine_sheet(dossier.rubric_version.slug, dossier.sheet_number)
    for submit, sheets in ((True, row.get("sheets", {})), (False, row.get("draft_sheets", {}))):
        for username, total in sheets.items():
            scorer = run.users[username]
            declare_conflict(dossier, actor=scorer, has_conflict=False)
            score = save_score_sheet(
                dossier, actor=scorer, answers=answers_for(sheet, total, salt=username)
            )
            if submit:
                submit_score_sheet(score, actor=scorer)


def summary(data) -> list[str]:
    """Where the demo dossiers stand now, for the command's output."""
    block = data.get("evaluation")
    if not block:
        return []
    lines = []
    council = (
        Council.objects.filter(name=block["council"]["name"], round__province_id=data["province"])
        .select_related("round")
        .order_by("-pk")
        .first()
    )
    if council is not None:
        round_ = council.round
        lines.append(
            f"{council.name}: {round_.name}, dossiers forwarded before "
            f"{round_.forward_before:%d/%m/%Y}, decided before {round_.decide_before:%d/%m/%Y}."
        )
    for row in block["dossiers"]:
        product = Product.objects.filter(name=row["product"]).first()
        member = User.objects.filter(username=row["member"]).first()
        dossier = demo_dossier(product, member) if product and member else None
        if dossier is None:
            lines.append(f"{row['product']}: no demo dossier")
            continue
        line = f"{row['product']}: {dossier.status}"
        if dossier.proposed_star:
            line += f", {dossier.proposed_star}★"
        if dossier.receipt_number:
            line += f" ({dossier.receipt_number})"
        lines.append(line)
    return lines
