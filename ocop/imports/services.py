"""Imports of recognition lists, step by step: :func:`start_import` keeps the uploaded file,
:func:`validate_import` makes the dry run (every row's outcome, nothing written),
:func:`commit_import` writes it all or nothing. The upload page runs the last two in the task
worker (``ocop.imports.tasks``); ``manage.py import_recognitions`` runs them in its own
process. Reported recognitions are completed with their decision or dismissed here too."""

import csv
import hashlib
import io
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ocop.accounts.scope import official_scope
from ocop.certificates.guards import can_decide
from ocop.certificates.recognition.models import AUTHORITY_STARS, Authority, RecognitionDecision
from ocop.certificates.recognition.services import (
    HistoricalCertificate,
    extend_historical_decision,
    record_historical_decision,
)
from ocop.certificates.signals import certificates_changed
from ocop.core.audit import record_event
from ocop.core.bulk import insert_rows
from ocop.core.deadlines import calendar_cache
from ocop.market import listing
from ocop.producers.models import Producer
from ocop.products.models import Product
from ocop.regions.models import Province

from . import commit as writing
from .columns import LABELS, recognised_fields
from .files import FileRefused, max_bytes, read_table
from .models import ImportRow, RecognitionImport, ReportedRecognition
from .plan import make_plan

logger = logging.getLogger(__name__)
Status = RecognitionImport.Status
REPORT_COLUMNS = [
    "row",
    "outcome",
    "status",
    "province_code",
    "commune_code",
    "confidence",
    "star",
    "product_id",
    "producer_id",
    "messages",
    "product_name",
    "producer_name",
    "address",
    "placed_in",
]
#: A job that has not moved for this long was stopped (its worker killed); nothing it was
#: writing was kept, and it may be run again.
STALLED_AFTER = timedelta(minutes=30)


# --------------------------------------------------------------------------------------
# Who imports where
# --------------------------------------------------------------------------------------


def import_provinces(user):
    """The provinces `user` may import into: all for the central office, its own for a
    provincial office, none for anyone else."""
    scope = official_scope(user)
    if scope.is_national:
        return Province.objects.order_by("folded_name")
    return Province.objects.filter(pk__in=scope.province_codes).order_by("folded_name")


def can_import(user) -> bool:
    scope = official_scope(user)
    return scope.is_national or bool(scope.province_codes)


def _check_province(user, province):
    scope = official_scope(user)
    if province is None and scope.is_national:
        return
    if province is None or not import_provinces(user).filter(pk=province.pk).exists():
        raise PermissionDenied(_("You may import only into your own province."))


# --------------------------------------------------------------------------------------
# The steps
# --------------------------------------------------------------------------------------


def start_import(
    data: bytes, file_name: str, *, actor, province=None, is_sample=False
) -> RecognitionImport:
    """Keep an uploaded list (nothing is read yet). `province` None: the central office
    imports into whichever province each row is in. `actor` None is the command line (run by
    whoever administers the server)."""
    if actor is not None:
        if not can_import(actor):
            raise PermissionDenied(_("Only the provincial and central OCOP offices import lists."))
        _check_province(actor, province)
    if len(data) > max_bytes():
        raise ValidationError(
            _("The file is larger than %(limit)s MB. Split the list into several files."),
            code="too_large",
            params={"limit": max_bytes() // (1024 * 1024)},
        )
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    name = (file_name or "list").replace("/", "_").replace("\\", "_")[-200:]
    with transaction.atomic():
        job = RecognitionImport(
            created_at=timezone.now(),
            created_by=actor,
            created_by_name=actor.get_username() if actor is not None else "system",
            province=province,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            file_name=name,
            file_size=len(data),
            is_sample=is_sample,
            sha256=hashlib.sha256(data).hexdigest(),
        )
        job.file.save(name, ContentFile(data), save=False)
        job.save()
        record_event(
            actor=actor,
            action="import.uploaded",
            obj=job,
            changes={"file": [None, name], "sha256": [None, job.sha256]},
            new_status=job.status,
        )
    return job


def validate_import(job) -> RecognitionImport:
    """The dry run: read the file, plan every row, keep the preview and the report."""
    job.status, job.progress_done, job.progress_total = Status.VALIDATING, 0, 0
    job.save(update_fields=["status", "progress_done", "progress_total"])
    try:
        with translation.override(job.language), calendar_cache():
            plan = _plan(job, progress=_progress(job))
            if plan is not None:
                _store_rows(job, plan)
                job.status = Status.INVALID if plan.error_count else Status.VALIDATED
                job.validated_at = timezone.now()
                _save_report(job)
    except Exception:
        logger.exception("Import %s failed while checking its rows", job.pk)
        job.status, job.message = Status.FAILED, str(_("The check stopped on an unexpected error."))
    job.save()
    return job


def commit_import(job, *, actor) -> RecognitionImport:
    """Claim and write a checked import at once (the command line; the page claims it and
    leaves the writing to the worker)."""
    return write_import(claim_commit(job, actor=actor), actor=actor)


def claim_commit(job, *, actor) -> RecognitionImport:
    """Mark a checked import as being written, once: a second click, or a second office,
    finds it taken. Raises ValidationError when it cannot be committed."""
    if actor is not None and not can_commit(actor, job):
        raise PermissionDenied(_("You may not commit this import."))
    claimable = RecognitionImport.objects.filter(pk=job.pk, status=Status.VALIDATED)
    if is_stalled(job):
        claimable = RecognitionImport.objects.filter(pk=job.pk, status=job.status)
    claimed = claimable.update(
        status=Status.COMMITTING,
        progress_done=0,
        progress_total=0,
        message="",
        heartbeat_at=timezone.now(),
    )
    job.refresh_from_db()
    if not claimed:
        raise ValidationError(
            _("Only a checked import without errors can be committed, and only once."),
            code="not_committable",
        )
    return job


def write_import(job, *, actor) -> RecognitionImport:
    """Write a claimed import, all or nothing. The rows are planned again inside the
    transaction; when they no longer plan without errors (the database changed since the
    preview), nothing is written and the new preview says why."""
    if job.status != Status.COMMITTING:
        raise ValidationError(_("This import was not claimed for writing."), code="not_claimed")
    try:
        with translation.override(job.language), calendar_cache():
            with transaction.atomic():
                _lock_provinces(job)
                plan = _plan(job)
                if plan is None or plan.error_count:
                    raise _Changed(plan)
                changed = writing.write_plan(plan, actor=actor, job=job)
                # The catalogue lists what the import certified as it commits; the search
                # entries and figures follow in the worker.
                listing.refresh_listings(
                    [
                        *changed[0],
                        *Product.objects.filter(producer_id__in=changed[1]).values_list(
                            "pk", flat=True
                        ),
                    ]
                )
                transaction.on_commit(lambda: _refresh_later(*changed))
                job.status, job.committed_at, job.committed_by = (
                    Status.COMMITTED,
                    timezone.now(),
                    actor,
                )
                _store_rows(job, plan)
                job.save()
                record_event(
                    actor=actor,
                    action="import.committed",
                    obj=job,
                    changes={
                        "rows": [None, job.row_count],
                        **{outcome: [None, n] for outcome, n in sorted(job.counts.items())},
                    },
                    old_status=Status.VALIDATED,
                    new_status=Status.COMMITTED,
                )
            _save_report(job)
    except _Changed as changed:
        job.refresh_from_db()
        if changed.plan is not None:
            with translation.override(job.language):
                _store_rows(job, changed.plan)
                _save_report(job)
            job.status = Status.INVALID
        else:
            job.status = Status.REFUSED
        job.message = str(
            _("The data changed since the preview: nothing was written. Read the new errors.")
        )
    except Exception:
        logger.exception("Import %s failed while writing", job.pk)
        job.refresh_from_db()
        job.status = Status.FAILED
        job.message = str(_("The import stopped on an unexpected error: nothing was written."))
    job.save()
    return job


def _refresh_later(product_ids, producer_ids):
    """The search entries and figures of what an import wrote are refreshed by the worker,
    after the commit (thousands of products take seconds; the import is already safe)."""
    from .tasks import refresh_derived

    if product_ids or producer_ids:
        refresh_derived.enqueue(list(product_ids), list(producer_ids))


def refresh_derived(product_ids, producer_ids) -> None:
    """What ``certificates_changed`` and a producer's ``post_save`` would have triggered."""
    if product_ids:
        certificates_changed.send(sender="certificates", product_ids=sorted(product_ids))
    for producer in Producer.objects.filter(pk__in=producer_ids):
        post_save.send(sender=Producer, instance=producer, created=False, raw=False)


class _Changed(Exception):
    def __init__(self, plan):
        super().__init__("the plan has errors")
        self.plan = plan


def _lock_provinces(job):
    """One import at a time per province (all provinces for the central office's)."""
    provinces = Province.objects.select_for_update().order_by("code")
    if job.province_id:
        provinces = provinces.filter(pk=job.province_id)
    list(provinces.values_list("code", flat=True))


def _plan(job, progress=None):
    """Read the job's file and plan it; None (and the job refused) when the file is refused
    or has no header."""
    with job.file.open("rb") as handle:
        data = handle.read()
    try:
        table = read_table(data, job.file_name)
    except FileRefused as refused:
        job.status, job.message = Status.REFUSED, str(refused)
        return None
    job.file_kind, job.sheet, job.encoding = table.kind, table.sheet[:100], table.encoding
    from .columns import find_header

    header = find_header(table.rows)
    if header is None:
        found = recognised_fields(table.rows)
        job.status = Status.REFUSED
        job.message = str(
            _(
                "No header row with a product name column and a star column was found in the "
                "first 30 rows (columns recognised: %(found)s). Name the columns, e.g. “Tên "
                "sản phẩm” and “Hạng sao”."
            )
            % {"found": ", ".join(str(LABELS[column]) for column in found) or "—"}
        )
        return None
    job.columns = {
        str(column): _header_text(table.rows, header, index)
        for column, index in header.columns.items()
    }
    job.header_notes = [str(note) for note in header.notes]
    return make_plan(table, header, actor=job.created_by, province=job.province, progress=progress)


def _header_text(rows, header, index):
    row = rows[header.row_index]
    return str(row[index])[:100] if index < len(row) and row[index] is not None else ""


def _progress(job):
    def report(done, total):
        job.progress_done, job.progress_total = done, total
        RecognitionImport.objects.filter(pk=job.pk).update(
            progress_done=done, progress_total=total, heartbeat_at=timezone.now()
        )

    return report


def _store_rows(job, plan):
    job.rows.all().delete()
    insert_rows(
        ImportRow,
        [
            ImportRow(
                job=job,
                row=row.row,
                outcome=row.outcome,
                status=row.kind if row.outcome not in ("error", "skipped") else "",
                product_name=row.product_name[:200],
                producer_name=row.producer_name[:200],
                address=row.address[:400],
                province_code=getattr(row.placement.province, "pk", "") or "",
                commune_code=getattr(row.placement.commune, "pk", "") or "",
                place=row.placement.label[:200],
                confidence=row.placement.confidence if row.placement.province else "",
                star=row.star,
                product_id_value=getattr(row.product, "pk", None),
                producer_id_value=getattr(row.producer, "pk", None),
                messages=[message.as_dict() for message in row.messages],
            )
            for row in plan.rows
        ],
    )
    job.row_count = len(plan.rows)
    job.error_count = plan.error_count
    job.counts = plan.counts


def _save_report(job):
    """Write the report CSV (UTF-8 with BOM, so that Excel reads the Vietnamese)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    write_report(job, buffer)
    if job.report:
        job.report.delete(save=False)
    job.report.save("report.csv", ContentFile(buffer.getvalue().encode("utf-8")), save=False)
    RecognitionImport.objects.filter(pk=job.pk).update(report=job.report.name)


def write_report(job, output):
    """One line per row of the list, with the columns of ``REPORT_COLUMNS``."""
    writer = csv.writer(output)
    writer.writerow(REPORT_COLUMNS)
    labels = {str(column): str(label) for column, label in LABELS.items()}
    for row in job.rows.order_by("row").iterator(chunk_size=2000):
        messages = " | ".join(
            (f"[{labels.get(message['column'], message['column'])}] " if message["column"] else "")
            + message["text"]
            for message in row.messages
        )
        writer.writerow(
            [
                row.row,
                row.outcome,
                row.status,
                row.province_code,
                row.commune_code,
                row.confidence,
                row.star if row.star is not None else "",
                row.product_id_value or "",
                row.producer_id_value or "",
                messages,
                row.product_name,
                row.producer_name,
                row.address,
                row.place,
            ]
        )


def can_commit(user, job) -> bool:
    """Who may commit: the central office any import, a provincial office its province's."""
    if official_scope(user).is_national:
        return True
    return (
        job.province_id is not None and import_provinces(user).filter(pk=job.province_id).exists()
    )


def is_stalled(job) -> bool:
    """A job left running by a worker that stopped: its transaction rolled back."""
    moved = job.heartbeat_at or job.created_at
    return job.is_running and timezone.now() - moved > STALLED_AFTER


# --------------------------------------------------------------------------------------
# Reported recognitions
# --------------------------------------------------------------------------------------


@transaction.atomic
def complete_reported(
    reported,
    *,
    actor,
    number,
    decided_on,
    signer_name,
    authority=None,
    certificate_number="",
    valid_until=None,
) -> ReportedRecognition:
    """Complete a reported recognition with the decision that gave it: the certificate is
    recorded under that historical decision (added to it when it is already recorded)."""
    locked = ReportedRecognition.objects.select_for_update().get(pk=reported.pk)
    if locked.status != ReportedRecognition.Status.OPEN:
        raise ValidationError(_("This reported recognition is already closed."), code="closed")
    product = locked.product
    province = product.producer.province
    authority = authority or (
        Authority.MINISTER if locked.star == 5 else Authority.PROVINCE_CHAIRMAN
    )
    if locked.star not in AUTHORITY_STARS.get(authority, ()):
        raise ValidationError(
            {
                "authority": ValidationError(
                    _("%(authority)s does not recognise %(star)s-star products."),
                    code="star_authority",
                    params={"authority": Authority(authority).label, "star": locked.star},
                )
            }
        )
    entry = HistoricalCertificate(
        product=product,
        star=locked.star,
        number=certificate_number,
        valid_until=valid_until,
    )
    existing = (
        RecognitionDecision.objects.filter(
            authority=authority,
            year=decided_on.year,
            number__iexact=number.strip(),
            is_historical=True,
            decided_on=decided_on,
        )
        .filter(province=None if authority == Authority.MINISTER else province)
        .first()
    )
    if existing is not None:
        extend_historical_decision(existing, actor=actor, certificates=[entry])
        decision = existing
    else:
        decision = record_historical_decision(
            province,
            actor=actor,
            authority=authority,
            number=number,
            decided_on=decided_on,
            signer_name=signer_name,
            certificates=[entry],
            require_numbers=False,
        )
    certificate = decision.certificates.get(product=product)
    locked.status, locked.certificate = ReportedRecognition.Status.COMPLETED, certificate
    locked.closed_at, locked.closed_by = timezone.now(), actor
    locked.save(update_fields=["status", "certificate", "closed_at", "closed_by"])
    record_event(
        actor=actor,
        action="reported_recognition.completed",
        obj=locked,
        changes={"certificate": [None, certificate.number], "decision": [None, decision.number]},
        old_status=ReportedRecognition.Status.OPEN,
        new_status=locked.status,
    )
    return locked


@transaction.atomic
def dismiss_reported(reported, *, actor, note) -> ReportedRecognition:
    """Close a reported recognition that no decision supports (a wrong line of a list)."""
    locked = ReportedRecognition.objects.select_for_update().get(pk=reported.pk)
    if locked.status != ReportedRecognition.Status.OPEN:
        raise ValidationError(_("This reported recognition is already closed."), code="closed")
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why it is dismissed.")})
    if not can_decide(
        actor,
        authority=Authority.MINISTER if locked.star == 5 else Authority.PROVINCE_CHAIRMAN,
        province_id=locked.product.producer.province_id,
    ) and not official_scope(actor).province_codes & {locked.product.producer.province_id}:
        raise PermissionDenied
    locked.status, locked.note = ReportedRecognition.Status.DISMISSED, note.strip()
    locked.closed_at, locked.closed_by = timezone.now(), actor
    locked.save(update_fields=["status", "note", "closed_at", "closed_by"])
    record_event(
        actor=actor,
        action="reported_recognition.dismissed",
        obj=locked,
        comment=locked.note,
        old_status=ReportedRecognition.Status.OPEN,
        new_status=locked.status,
    )
    return locked
