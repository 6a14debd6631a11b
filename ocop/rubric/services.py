"""The two changes a rubric version goes through: publication, and (once) the end of its
validity. Each runs in one transaction with the version row locked and writes an audit event.

Only the system (``actor=None``: migrations and ``manage.py load_rubric``), a superuser or a
central OCOP officer may publish or end a version.
"""

import datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.scope import official_scope
from ocop.core.audit import diff, record_event

from .loading import check_version, sheets_as_data
from .models import PublishedVersionError, RubricVersion
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
