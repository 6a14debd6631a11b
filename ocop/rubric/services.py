"""Every change to the rubric's rows and to self-assessments goes through these functions.

Rubric versions go through two changes: publication, and (once) the end of their validity.
Each runs in one transaction with the version row locked and writes an audit event. Only the
system (``actor=None``: migrations and ``manage.py load_rubric``), a superuser or a central
OCOP officer may publish or end a version.

Self-assessments (Mẫu 02, part III) are started, answered and finished by members of the
product's producer. Starting and finishing write an audit event; saving an answer does not
(one event per click would flood the log): the draft's ``updated_at`` records the last
change, and the "finished" event records the answers as finished.
"""

import datetime
import json
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ocop.accounts.scope import official_scope
from ocop.core.audit import diff, record_event
from ocop.products.models import Product

from .engine import DEFAULT_VERSION, AnswerError, check_answers, score_sheet
from .loading import LoadResult, check_version, load_version_rows, resolve_version, sheets_as_data
from .models import PublishedVersionError, RubricVersion, SelfAssessment, member_products
from .validation import RubricValidationError, validate_sheet


def _check_actor(actor) -> None:
    if actor is not None and not official_scope(actor).is_national:
        raise PermissionDenied(_("Only the central OCOP office can change rubric versions."))


def validate_version_rows(version: RubricVersion, data_dir: Path | None = None) -> list[str]:
    """Everything that stops ``version`` from being published (empty when it can be)."""
    sheets = sheets_as_data(version)
    if not sheets:
        return [f"version {version.slug}: it has no sheets"]
    errors = [error for sheet in sheets for error in validate_sheet(sheet, version.part_maxima)]
    numbers = [sheet["number"] for sheet in sheets]
    if numbers != list(range(1, len(numbers) + 1)):
        errors.append(f"version {version.slug}: sheets are numbered {numbers}, not 1..n")
    # The engine scores from the data files: a version may only be published as they are.
    return errors or check_version(version, data_dir)


@transaction.atomic
def load_version_from_data(
    slug: str = DEFAULT_VERSION,
    *,
    data_dir: Path | None = None,
    publish: bool = True,
    actor=None,
) -> LoadResult:
    """Build (or check) the rows of a version from its files (``loading.load_version_rows``),
    then publish it (unless ``publish=False``) through :func:`publish_version`, which validates
    and audits. A published version whose rows equal its files is left as it is."""
    if data_dir is None:
        slug, data_dir = resolve_version(slug)
    result = load_version_rows(slug, data_dir=data_dir)
    version = result.version
    if publish and version.status != RubricVersion.Status.PUBLISHED:
        version = publish_version(version, actor=actor, data_dir=data_dir)
        result = LoadResult(version, result.created, result.counts)
    return result


@transaction.atomic
def publish_version(
    version: RubricVersion, *, actor, data_dir: Path | None = None
) -> RubricVersion:
    """Validate a draft version and publish it; from then on its rows cannot change.

    The rows must be valid and equal to the version's data files, which the engine scores
    from (found in ``data_dir``, or in ``loading.data_dirs()``).
    """
    _check_actor(actor)
    locked = RubricVersion.objects.select_for_update().get(pk=version.pk)
    if locked.is_published:
        raise PublishedVersionError(locked.code)
    errors = validate_version_rows(locked, data_dir)
    if errors:
        raise RubricValidationError(None, errors, subject=f"version {locked.slug}")
    old = {"status": locked.status, "published_at": locked.published_at}
    locked.status = RubricVersion.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at"])
    record_event(
        actor=actor,
        action="rubric.version_published",
        obj=locked,
        changes=diff(locked, old, ["status", "published_at"]),
        old_status=old["status"],
        new_status=locked.status,
    )
    return locked


@transaction.atomic
def end_version(
    version: RubricVersion, *, effective_to: datetime.date, actor, comment: str = ""
) -> RubricVersion:
    """Record the last day a published version is in force (once; it cannot be undone)."""
    _check_actor(actor)
    locked = RubricVersion.objects.select_for_update().get(pk=version.pk)
    if not locked.is_published:
        raise ValidationError(
            _("Only a published version can be ended; edit the draft instead."), code="draft"
        )
    if locked.effective_to is not None:
        raise ValidationError(
            _("This version already ends on %(day)s; that date cannot be changed."),
            code="already_ended",
            params={"day": locked.effective_to.isoformat()},
        )
    if effective_to < locked.effective_from:
        raise ValidationError(
            _("The last day in force cannot be before the version comes into force (%(day)s)."),
            code="before_start",
            params={"day": locked.effective_from.isoformat()},
        )
    old = {"effective_to": None}
    locked.effective_to = effective_to
    locked.save(update_fields=["effective_to"])
    record_event(
        actor=actor,
        action="rubric.version_ended",
        obj=locked,
        changes=diff(locked, old, ["effective_to"]),
        comment=comment,
    )
    return locked


# --------------------------------------------------------------------------------------
# Self-assessments
# --------------------------------------------------------------------------------------

_CACHED_FIELDS = ["answers", "total", "star", "band_star", "updated_at"]


def _check_member(actor, product) -> None:
    if not member_products(actor).filter(pk=product.pk).exists():
        raise PermissionDenied(
            _("Only members of the producer can fill in the self-assessment of its products.")
        )


def version_in_force(sheet_number: int, day: datetime.date) -> RubricVersion | None:
    """The newest published version in force on ``day`` that has this sheet."""
    return RubricVersion.objects.in_force_on(day).filter(sheets__number=sheet_number).first()


def _lock(assessment: SelfAssessment) -> SelfAssessment:
    return (
        SelfAssessment.objects.select_for_update(of=("self",))
        .select_related("version", "product")
        .get(pk=assessment.pk)
    )


def _check_draft(assessment: SelfAssessment) -> None:
    if not assessment.is_draft:
        raise ValidationError(
            _(
                "This self-assessment is finished and can no longer change. Start a new "
                "self-assessment of the product to change your answers."
            ),
            code="finished",
        )


def answer_error_message(error: AnswerError) -> str:
    """The engine's message in the active language (it has Vietnamese and English)."""
    if (get_language() or "vi").startswith("en") and error.message_en:
        return error.message_en
    return str(error)


def _answers_json(answers: Mapping[str, int]) -> str:
    return json.dumps(answers, sort_keys=True, ensure_ascii=False)


@transaction.atomic
def start_self_assessment(
    product: Product, *, actor, day: datetime.date | None = None
) -> SelfAssessment:
    """Open the product's draft self-assessment, creating it if there is none.

    A new draft is scored on the product's scoring set in the newest rubric version in force
    on ``day`` (today by default). It starts from the answers of the product's latest
    self-assessment on the same version and sheet, if any, so that a producer revises rather
    than starts again; the event records which one it was copied from.
    """
    _check_member(actor, product)
    # Lock the product so that two clicks cannot open two drafts (the database refuses a
    # second draft anyway).
    product = Product.objects.select_for_update().get(pk=product.pk)
    draft = SelfAssessment.objects.drafts().filter(product=product).first()
    if draft is not None:
        return draft
    number = product.scoring_set_id
    version = version_in_force(number, day or timezone.localdate())
    if version is None:
        raise ValidationError(
            _(
                "No OCOP rubric in force today has a scoring sheet for this product's scoring "
                "set (%(number)s). Ask your OCOP office."
            ),
            code="no_rubric",
            params={"number": number},
        )
    previous = (
        SelfAssessment.objects.filter(product=product, version=version, sheet_number=number)
        .order_by("-created_at", "-pk")
        .first()
    )
    assessment = SelfAssessment(
        product=product,
        version=version,
        sheet_number=number,
        answers=dict(previous.answers) if previous else {},
        created_by=actor,
    )
    assessment.apply_result(score_sheet(assessment.engine_sheet(), assessment.answers))
    assessment.save()
    changes = {
        "version": [None, version.code],
        "sheet_number": [None, number],
        "total": [None, assessment.total],
    }
    if previous is not None:
        changes["copied_from"] = [None, previous.pk]
        changes["answers"] = [None, _answers_json(assessment.answers)]
    record_event(
        actor=actor,
        action="rubric.self_assessment_started",
        obj=assessment,
        changes=changes,
        new_status=assessment.status,
    )
    return assessment


@transaction.atomic
def save_answers(
    assessment: SelfAssessment, *, actor, answers: Mapping[str, int | None]
) -> SelfAssessment:
    """Set or clear (``None``) several answers of a draft at once, all or nothing.

    Every answer is checked by the engine first: an unknown code, a heading or an option
    outside 1..n is refused with the engine's message and nothing is saved. The cached total
    and stars are refreshed. No audit event (see the module's docstring).
    """
    locked = _lock(assessment)
    _check_member(actor, locked.product)
    _check_draft(locked)
    sheet = locked.engine_sheet()
    try:
        # Clearing is checked like answering option 1: the code must be a criterion.
        check_answers(
            sheet, {code: 1 if option is None else option for code, option in answers.items()}
        )
    except AnswerError as error:
        raise ValidationError(answer_error_message(error), code="invalid_answer") from error
    new = dict(locked.answers)
    for code, option in answers.items():
        if option is None:
            new.pop(code, None)
        else:
            new[code] = option
    if new == locked.answers:
        return locked
    locked.answers = new
    locked.apply_result(score_sheet(sheet, new))
    locked.save(update_fields=_CACHED_FIELDS)
    return locked


def save_answer(
    assessment: SelfAssessment, *, actor, code: str, option: int | None
) -> SelfAssessment:
    """Set one answer (an option number) or clear it (``None``); see :func:`save_answers`."""
    return save_answers(assessment, actor=actor, answers={code: option})


@transaction.atomic
def finish_self_assessment(assessment: SelfAssessment, *, actor) -> SelfAssessment:
    """Mark a draft as complete: from then on it does not change.

    Unanswered criteria are allowed (they score 0, as on paper). The audit event records the
    answers, the total and the provisional star as finished.
    """
    locked = _lock(assessment)
    _check_member(actor, locked.product)
    _check_draft(locked)
    locked.apply_result(score_sheet(locked.engine_sheet(), locked.answers))
    old = {"status": locked.status, "finished_at": None}
    locked.status = SelfAssessment.Status.FINISHED
    locked.finished_at = timezone.now()
    locked.save(update_fields=[*_CACHED_FIELDS, "status", "finished_at"])
    changes = diff(locked, old, ["status", "finished_at"])
    changes["answers"] = [None, _answers_json(locked.answers)]
    changes["total"] = [None, locked.total]
    changes["star"] = [None, locked.star]
    record_event(
        actor=actor,
        action="rubric.self_assessment_finished",
        obj=locked,
        changes=changes,
        old_status=old["status"],
        new_status=locked.status,
    )
    return locked
