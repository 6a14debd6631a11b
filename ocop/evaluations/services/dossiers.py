"""The producer's dossier (hồ sơ đăng ký), before the commune acts on it: open a draft (a first
rating, an upgrade or a re-rating), fill in the registration form (Mẫu 01), choose the
documents of the evidence locker that go with it, submit it to the commune with the finished
self-assessment (Mẫu 02), or withdraw it.

Submitting checks everything at once (:func:`submission_problems` lists the same problems
before the producer presses the button), freezes the self-assessment and the documents'
numbers and dates, and gives the receipt number and the commune's deadline of 15 working days.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ocop.core.audit import diff, record_event
from ocop.core.deadlines import commune_review_deadline
from ocop.producers.choices import DocumentKind
from ocop.producers.models import ProducerDocument
from ocop.products.models import Product
from ocop.rubric.engine import score_sheet
from ocop.rubric.loading import engine_sheet
from ocop.rubric.models import RubricVersion, SelfAssessment, Sheet
from ocop.rubric.services import version_in_force

from ..models import NO_SAMPLE_SETS, Actor, Dossier, DossierAttachment, ReceiptCounter
from ..permissions import is_producer_member
from ..recognition import recognition_of
from .guards import (
    answers_digest,
    check_transition,
    clean_text,
    lock_dossier,
    move_dossier,
    require_role,
    two_places,
)

S = Dossier.Status


# Mẫu 01 fields the producer fills in (and the optional Mẫu 02 summary).
DOSSIER_FIELDS = (
    "applicant_name",
    "representative_name",
    "representative_position",
    "contact_address",
    "phone",
    "email",
    "product_name",
    "sample_count",
    "is_declaration_accepted",
    "production_address",
    "production_capacity",
    "markets",
)


REQUIRED_AT_SUBMISSION = (
    "applicant_name",
    "representative_name",
    "representative_position",
    "contact_address",
    "phone",
    "product_name",
)


@transaction.atomic
def create_dossier(product, *, actor, kind=Dossier.Kind.FIRST_RATING, data=None) -> Dossier:
    """Open a draft dossier for a product.

    An upgrade or a re-rating starts from the product's certificate (art. 6(1)(b)-(c)), issued
    on the platform or recorded from a decision taken before it: refused when the product holds
    none, an upgrade also when the certificate is not valid today or already 5 stars. When the
    certificate was rated on the platform, that dossier's registration details and documents
    are copied, so nothing is typed twice. A first rating is refused while the product holds a
    valid certificate (it would replace it) or waits for the decision on a proposal."""
    product = Product.objects.select_for_update().select_related("producer").get(pk=product.pk)
    if not is_producer_member(actor, product.producer_id):
        raise PermissionDenied(_("Only a member of the producer can file a dossier."))
    if kind not in Dossier.Kind.values:
        raise ValidationError(_("Choose the kind of registration."), code="bad_kind")
    if product.producer.commune_id is None:
        raise ValidationError(
            _(
                "The producer's commune is not recorded yet: the dossier is filed at the "
                "commune. Ask your OCOP office to fill it in."
            ),
            code="no_commune",
        )
    open_dossier = (
        Dossier.objects.filter(product=product)
        .exclude(status__in=[S.RATED_LOW, S.REJECTED, S.PROPOSED, S.PROPOSED_CENTRAL, S.WITHDRAWN])
        .first()
    )
    if open_dossier is not None:
        raise ValidationError(
            _(
                "This product already has a dossier in progress (%(dossier)s). Finish or "
                "withdraw it before filing another."
            ),
            code="dossier_in_progress",
            params={"dossier": str(open_dossier)},
        )
    today = timezone.localdate()
    recognition = recognition_of(product.pk, on=today)
    _check_recognition(product, kind, recognition, today)
    previous = _rated_dossier(product, recognition.current)
    version = version_in_force(product.scoring_set_id, today)
    if version is None:
        raise ValidationError(
            _(
                "No OCOP rubric in force today has a scoring sheet for this product's scoring "
                "set (%(number)s). Ask your OCOP office."
            ),
            code="no_rubric",
            params={"number": product.scoring_set_id},
        )
    producer = product.producer
    dossier = Dossier(
        product=product,
        producer=producer,
        province_id=producer.province_id,
        commune_id=producer.commune_id,
        kind=kind,
        previous=previous,
        rubric_version=version,
        sheet_number=product.scoring_set_id,
        applicant_name=producer.name,
        representative_name=producer.representative_name,
        contact_address=producer.address,
        phone=producer.phone,
        email=producer.email,
        product_name=product.name,
        sample_count=0 if product.scoring_set_id in NO_SAMPLE_SETS else 5,
        created_by=actor,
    )
    if kind != Dossier.Kind.FIRST_RATING:
        _set_recognition(dossier, recognition.current)
    if previous is not None:
        for name in DOSSIER_FIELDS:
            if name not in ("is_declaration_accepted", "sample_count"):
                setattr(dossier, name, getattr(previous, name))
    for name, value in _dossier_values(data or {}).items():
        setattr(dossier, name, value)
    dossier.full_clean(
        exclude=["product", "producer", "province", "commune", "rubric_version", "previous"],
        validate_unique=False,
        validate_constraints=False,
    )
    dossier.save()
    copied = []
    if previous is not None:
        documents = ProducerDocument.objects.filter(
            pk__in=previous.attachment_rows.values("document_id"), producer=producer
        )
        DossierAttachment.objects.bulk_create(
            DossierAttachment(dossier=dossier, document=document) for document in documents
        )
        copied = sorted(document.pk for document in documents)
    changes = {"kind": [None, kind], "product": [None, product.pk]}
    if kind != Dossier.Kind.FIRST_RATING:
        changes["certificate"] = [None, dossier.recognised_certificate_number]
    if previous is not None:
        changes["previous"] = [None, previous.pk]
        changes["attachments"] = [None, ",".join(map(str, copied))]
    record_event(
        actor=actor, action="dossier.created", obj=dossier, changes=changes, new_status=S.DRAFT
    )
    return dossier


def _check_recognition(product, kind, recognition, today) -> None:
    """Refuse a dossier the product's recognition does not allow (see ``create_dossier``);
    checked again at submission, when the certificate may have changed."""
    current = recognition.current
    if kind == Dossier.Kind.FIRST_RATING:
        if current is not None and current.is_valid:
            raise ValidationError(
                _(
                    "This product holds a valid OCOP certificate (%(number)s, %(star)s stars, "
                    "valid until %(until)s): a first rating would replace it. File an upgrade "
                    "to aim for a higher star, or a re-rating from %(opens)s, when its re-rating "
                    "window opens."
                ),
                code="already_recognised",
                params={
                    "number": current.number,
                    "star": current.star,
                    "until": date_format(current.valid_until, "SHORT_DATE_FORMAT"),
                    "opens": date_format(current.window.opens_on, "SHORT_DATE_FORMAT"),
                },
            )
        waiting = (
            Dossier.objects.filter(product=product, status__in=[S.PROPOSED, S.PROPOSED_CENTRAL])
            .exclude(pk__in=recognition.decided_dossier_ids)
            .first()
        )
        if waiting is not None:
            raise ValidationError(
                _(
                    "Dossier %(dossier)s of this product is proposed for recognition and waits "
                    "for the decision. File another dossier once the decision is taken."
                ),
                code="awaiting_decision",
                params={"dossier": str(waiting)},
            )
        return
    if current is None:
        raise ValidationError(
            _(
                "An upgrade or a re-rating starts from the product's OCOP certificate, and this "
                "product holds none (or it was revoked or replaced). File a first rating "
                "instead, or ask your OCOP office to record a certificate issued before the "
                "platform."
            ),
            code="not_recognised",
        )
    if kind == Dossier.Kind.UPGRADE:
        if not current.is_valid:
            raise ValidationError(
                _(
                    "An upgrade starts from a valid certificate, and certificate %(number)s is "
                    "no longer valid. File a re-rating instead."
                ),
                code="not_valid",
                params={"number": current.number},
            )
        if current.star >= 5:
            raise ValidationError(
                _(
                    "The product is already recognised at 5 stars: there is no higher star to "
                    "aim for. File a re-rating when its window opens (%(opens)s)."
                ),
                code="already_five_stars",
                params={"opens": date_format(current.window.opens_on, "SHORT_DATE_FORMAT")},
            )


def _rated_dossier(product, current) -> Dossier | None:
    """The dossier the current certificate was rated on, when it was rated on the platform."""
    if current is None or current.dossier_id is None:
        return None
    return Dossier.objects.filter(
        pk=current.dossier_id, product=product, status__in=[S.PROPOSED, S.PROPOSED_CENTRAL]
    ).first()


def _set_recognition(dossier, current) -> list[str]:
    """Copy what the certificate says onto the dossier; returns the fields that changed."""
    values = {
        "recognised_certificate_number": current.number,
        "recognised_star": current.star,
        "recognised_until": current.valid_until,
    }
    changed = [name for name, value in values.items() if getattr(dossier, name) != value]
    for name in changed:
        setattr(dossier, name, values[name])
    return changed


def _dossier_values(data: Mapping) -> dict:
    unknown = set(data) - set(DOSSIER_FIELDS)
    if unknown:
        raise ValueError(f"Unknown dossier fields: {sorted(unknown)}")
    values = dict(data)
    for name in (
        "applicant_name",
        "representative_name",
        "representative_position",
        "contact_address",
        "phone",
        "product_name",
        "production_address",
        "production_capacity",
    ):
        if name in values:
            values[name] = clean_text(values[name])
    if "email" in values:
        values["email"] = (values["email"] or "").strip()
    if "markets" in values:
        values["markets"] = (values["markets"] or "").strip()
    return values


def _lock_for_producer(dossier, actor) -> Dossier:
    locked = lock_dossier(dossier, actor)
    require_role(actor, locked, Actor.PRODUCER)
    if not locked.is_editable_by_producer:
        raise ValidationError(
            _("This dossier is “%(status)s” and can no longer be changed by the producer."),
            code="not_editable",
            params={"status": locked.get_status_display()},
        )
    return locked


@transaction.atomic
def update_dossier(dossier, *, actor, data) -> Dossier:
    """Change the registration details of a draft (or returned) dossier."""
    locked = _lock_for_producer(dossier, actor)
    values = _dossier_values(data)
    old = {name: getattr(locked, name) for name in DOSSIER_FIELDS}
    for name, value in values.items():
        setattr(locked, name, value)
    changes = diff(locked, old, DOSSIER_FIELDS)
    if not changes:
        return locked
    locked.full_clean(
        exclude=["product", "producer", "province", "commune", "rubric_version", "previous"],
        validate_unique=False,
        validate_constraints=False,
    )
    locked.save(update_fields=[*changes, "updated_at"])
    record_event(actor=actor, action="dossier.updated", obj=locked, changes=changes)
    return locked


@transaction.atomic
def set_attachments(dossier, *, actor, documents: Iterable[ProducerDocument]) -> Dossier:
    """Choose the documents of the producer's evidence locker that go with the dossier."""
    locked = _lock_for_producer(dossier, actor)
    wanted = {document.pk for document in documents}
    owned = set(
        ProducerDocument.objects.filter(pk__in=wanted, producer_id=locked.producer_id).values_list(
            "pk", flat=True
        )
    )
    if owned != wanted:
        raise ValidationError(
            _("Choose documents from this producer's own documents."), code="foreign_document"
        )
    current = set(locked.attachment_rows.values_list("document_id", flat=True))
    if current == wanted:
        return locked
    locked.attachment_rows.exclude(document_id__in=wanted).delete()
    DossierAttachment.objects.bulk_create(
        DossierAttachment(dossier=locked, document_id=pk) for pk in sorted(wanted - current)
    )
    record_event(
        actor=actor,
        action="dossier.attachments_changed",
        obj=locked,
        changes={
            "attachments": [
                ",".join(map(str, sorted(current))),
                ",".join(map(str, sorted(wanted))),
            ]
        },
    )
    return locked


def requires_food_safety_certificate(version, sheet_number) -> bool:
    """Sheets whose "Hồ sơ bị loại khi" note names the food-safety facility certificate
    (sheets 1-17 of 26/2026): the law as data."""
    note = (
        Sheet.objects.filter(version=version, number=sheet_number)
        .values_list("dossier_rejection_vi", flat=True)
        .first()
        or ""
    )
    return "an toàn thực phẩm" in note.lower()


def _recognition_problems(dossier, recognition, today) -> list[ValidationError]:
    """What the product's certificate allows on the day of filing: the checks of
    ``create_dossier`` again (the certificate may have changed since the draft was opened),
    and a re-rating no earlier than 180 days before the certificate expires (art. 7(6)(a))."""
    try:
        _check_recognition(dossier.product, dossier.kind, recognition, today)
    except ValidationError as error:
        return [error]
    if dossier.kind == Dossier.Kind.RE_RATING:
        current = recognition.current
        if today < current.window.opens_on:
            return [
                ValidationError(
                    _(
                        "A re-rating is filed no earlier than 180 days before the certificate "
                        "expires (Decision 26/2026, art. 7(6)(a)): certificate %(number)s expires "
                        "on %(until)s, so its re-rating can be filed from %(opens)s."
                    ),
                    code="re_rating_too_early",
                    params={
                        "number": current.number,
                        "until": date_format(current.valid_until, "SHORT_DATE_FORMAT"),
                        "opens": date_format(current.window.opens_on, "SHORT_DATE_FORMAT"),
                    },
                )
            ]
    return []


def _submission_problems(dossier, assessment, today, recognition) -> list[ValidationError]:
    problems = _recognition_problems(dossier, recognition, today)
    missing = [
        str(Dossier._meta.get_field(name).verbose_name)
        for name in REQUIRED_AT_SUBMISSION
        if not str(getattr(dossier, name) or "").strip()
    ]
    if missing:
        problems.append(
            ValidationError(
                _("Fill in the registration form (Mẫu 01): %(fields)s."),
                code="incomplete_form",
                params={"fields": ", ".join(missing)},
            )
        )
    if not dossier.is_declaration_accepted:
        problems.append(
            ValidationError(
                _("Confirm that the information in the registration form is true."),
                code="declaration",
            )
        )
    if dossier.sheet_number in NO_SAMPLE_SETS:
        if dossier.sample_count:
            problems.append(
                ValidationError(
                    _("Community tourism (set 26) sends no product samples; set the count to 0."),
                    code="samples",
                )
            )
    elif dossier.sample_count < 5:
        problems.append(
            ValidationError(
                _("Five product samples go with the dossier (Decision 26/2026, article 6)."),
                code="samples",
            )
        )
    if assessment is None:
        problems.append(
            ValidationError(
                _("Finish the product's self-assessment (Mẫu 02) before submitting the dossier."),
                code="no_self_assessment",
            )
        )
    else:
        if assessment.product_id != dossier.product_id:
            problems.append(
                ValidationError(
                    _("The self-assessment belongs to another product."), code="self_assessment"
                )
            )
        elif not (
            assessment.status == SelfAssessment.Status.FINISHED
            and assessment.sheet_number == dossier.product.scoring_set_id
        ):
            problems.append(
                ValidationError(
                    _(
                        "Finish the product's self-assessment on its current scoring sheet "
                        "before submitting."
                    ),
                    code="self_assessment",
                )
            )
        elif not RubricVersion.objects.in_force_on(today).filter(pk=assessment.version_id).exists():
            problems.append(
                ValidationError(
                    _(
                        "The self-assessment was made on rubric %(version)s, which is no longer "
                        "in force. Start a new self-assessment on the rubric in force today."
                    ),
                    code="rubric_not_in_force",
                    params={"version": assessment.version.code},
                )
            )
    rows = list(dossier.attachment_rows.select_related("document"))
    for row in rows:
        document = row.document
        if document.expires_on is not None and document.expires_on < today:
            if document.kind == DocumentKind.FOOD_SAFETY:
                message = _(
                    "The food-safety certificate %(number)s expired on %(day)s. Attach a valid "
                    "certificate before submitting: an expired one means the dossier is rejected."
                )
            else:
                message = _(
                    "The document “%(title)s” %(number)s expired on %(day)s. Remove it or "
                    "attach the renewed one."
                )
            problems.append(
                ValidationError(
                    message,
                    code="expired_document",
                    params={
                        "title": str(document),
                        "number": document.number,
                        "day": date_format(document.expires_on, "SHORT_DATE_FORMAT"),
                    },
                )
            )
        elif document.issued_on > today:
            problems.append(
                ValidationError(
                    _("The document “%(title)s” is dated in the future (%(day)s)."),
                    code="future_document",
                    params={
                        "title": str(document),
                        "day": date_format(document.issued_on, "SHORT_DATE_FORMAT"),
                    },
                )
            )
    version = assessment.version if assessment is not None else dossier.rubric_version
    # An attached but expired (or future-dated) certificate is reported above.
    if requires_food_safety_certificate(version, dossier.sheet_number) and not any(
        row.document.kind == DocumentKind.FOOD_SAFETY for row in rows
    ):
        problems.append(
            ValidationError(
                _(
                    "Attach the food-safety facility certificate (giấy chứng nhận cơ sở đủ "
                    "điều kiện an toàn thực phẩm): without it the dossier is rejected."
                ),
                code="no_food_safety_certificate",
            )
        )
    return problems


def newest_finished_self_assessment(product_id) -> SelfAssessment | None:
    """The self-assessment a submission freezes when none is named: the newest finished one."""
    return (
        SelfAssessment.objects.filter(product_id=product_id, status=SelfAssessment.Status.FINISHED)
        .select_related("version")
        .order_by("-finished_at", "-pk")
        .first()
    )


def submission_problems(dossier, today=None) -> list[str]:
    """Read-only: the messages :func:`submit_dossier` would refuse the dossier with today (an
    empty list when it can be submitted), so that a page can show them before the producer
    presses the button. The submission checks them again, inside its transaction."""
    assessment = newest_finished_self_assessment(dossier.product_id)
    today = today or timezone.localdate()
    recognition = recognition_of(dossier.product_id, on=today)
    problems = _submission_problems(dossier, assessment, today, recognition)
    return [message for problem in problems for message in problem.messages]


@transaction.atomic
def submit_dossier(dossier, *, actor, self_assessment=None) -> Dossier:
    """File the dossier at the commune. Checks the registration form, the finished
    self-assessment (on a rubric in force today) and the attached documents (none expired; a
    valid food-safety certificate where the sheet requires one) and, for an upgrade or a
    re-rating, the certificate it starts from (a re-rating no earlier than 180 days before
    expiry; one filed later than 120 days before is marked late, art. 12(3)); freezes the
    self-assessment, the documents' numbers and dates and the certificate's; gives the receipt
    number ``NNN/PĐK-<province>-<commune>-<year>`` and the commune's 15-working-day deadline."""
    locked = _lock_for_producer(dossier, actor)
    check_transition(locked, S.SUBMITTED, Actor.PRODUCER)
    today = timezone.localdate()
    now = timezone.now()
    if self_assessment is None:
        assessment = newest_finished_self_assessment(locked.product_id)
    else:
        assessment = SelfAssessment.objects.select_related("version").get(pk=self_assessment.pk)
    recognition = recognition_of(locked.product_id, on=today)
    problems = _submission_problems(locked, assessment, today, recognition)
    if problems:
        raise ValidationError(problems)
    recognition_changes = {}
    if locked.kind != Dossier.Kind.FIRST_RATING:
        _set_recognition(locked, recognition.current)
        recognition_changes["certificate"] = [None, locked.recognised_certificate_number]
    if locked.kind == Dossier.Kind.RE_RATING:
        # Filed later than 120 days before expiry (art. 7(6)(a)): the certificate stays valid
        # until the result, at most 180 days past expiry (art. 12(3)); on time, it does not.
        locked.is_late_re_rating = today > recognition.current.window.closes_on
        recognition_changes["is_late_re_rating"] = [None, locked.is_late_re_rating]

    result = score_sheet(
        engine_sheet(assessment.version.slug, assessment.sheet_number), assessment.answers
    )
    locked.self_assessment = assessment
    locked.self_assessment_answers = dict(assessment.answers)
    locked.self_assessment_total = two_places(result.total)
    locked.self_assessment_star = result.star
    locked.rubric_version = assessment.version
    locked.sheet_number = assessment.sheet_number
    for row in locked.attachment_rows.select_related("document"):
        document = row.document
        row.kind, row.number = document.kind, document.number
        row.issued_on, row.expires_on = document.issued_on, document.expires_on
        row.frozen_at = now
        row.save(update_fields=["kind", "number", "issued_on", "expires_on", "frozen_at"])
    fields = [
        "self_assessment",
        "self_assessment_answers",
        "self_assessment_total",
        "self_assessment_star",
        "rubric_version",
        "sheet_number",
        "submitted_at",
        "received_on",
        "commune_deadline",
        "return_reason",
        "recognised_certificate_number",
        "recognised_star",
        "recognised_until",
        "is_late_re_rating",
    ]
    if not locked.receipt_number:
        # The commune of filing is the producer's commune on the day of the first submission.
        producer = locked.producer
        locked.commune_id, locked.province_id = producer.commune_id, producer.province_id
        locked.receipt_sequence, locked.receipt_number = _allocate_receipt_number(locked, today)
        fields += ["commune", "province", "receipt_sequence", "receipt_number"]
    locked.submitted_at = now
    locked.received_on = today
    locked.commune_deadline = commune_review_deadline(today)
    locked.return_reason = ""
    return move_dossier(
        locked,
        S.SUBMITTED,
        actor=actor,
        action="dossier.submitted",
        fields=fields,
        changes={
            "receipt_number": [None, locked.receipt_number],
            "commune_deadline": [None, locked.commune_deadline],
            "self_assessment": [None, assessment.pk],
            "self_assessment_total": [None, locked.self_assessment_total],
            "answers_sha256": [None, answers_digest(locked.self_assessment_answers)],
            **recognition_changes,
        },
    )


def _allocate_receipt_number(dossier, day) -> tuple[int, str]:
    """The commune's next number of the year, taken with its counter row locked: numbers are
    consecutive and, since the counter commits or rolls back with the submission, gapless."""
    counter, _created = ReceiptCounter.objects.select_for_update().get_or_create(
        commune_id=dossier.commune_id, year=day.year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    number = f"{counter.last_number:03d}/PĐK-{dossier.province_id}-{dossier.commune_id}-{day.year}"
    return counter.last_number, number


@transaction.atomic
def withdraw_dossier(dossier, *, actor, reason="") -> Dossier:
    locked = _lock_for_producer(dossier, actor)
    check_transition(locked, S.WITHDRAWN, Actor.PRODUCER)
    return move_dossier(
        locked, S.WITHDRAWN, actor=actor, action="dossier.withdrawn", comment=clean_text(reason)
    )
