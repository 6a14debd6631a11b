"""Dossiers filed before 22 May 2026 and still waiting for their rating then (art. 12(2)):
"Tiếp tục thực hiện theo quy định về đánh giá, phân hạng sản phẩm OCOP của giai đoạn 2021 -
2025, nhưng thời hạn hoàn thành ... không quá 60 ngày" (a first rating or an upgrade), "không
quá 30 ngày" (a re-rating), "kể từ ngày Quyết định này có hiệu lực".

They are rated under the old rules, outside the platform's scoring (out of scope here), so the
provincial office only enters them to follow that limit, and records the outcome: a
recognition as a historical decision in the certificates app, which closes the dossier here
(``close_recognised``), or a rating without recognition, or a withdrawal.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ocop.accounts.scope import official_scope
from ocop.core.audit import record_event
from ocop.core.deadlines import DECISION_EFFECTIVE_ON, transitional_completion_due

from ..models import Dossier, TransitionalDossier
from .guards import clean_text

T = TransitionalDossier.Status


def _check_office(actor, province_id) -> None:
    if not (actor.is_superuser or province_id in official_scope(actor).province_codes):
        raise PermissionDenied(_("Only the OCOP office of the product's province can do this."))


@transaction.atomic
def record_transitional_dossier(
    product, *, actor, kind, filed_on, reference="", note=""
) -> TransitionalDossier:
    """Enter a dossier of ``product`` filed on ``filed_on`` (before 22 May 2026) and not rated
    then; its completion day follows from its kind (art. 12(2))."""
    producer = product.producer
    _check_office(actor, producer.province_id)
    errors = {}
    if kind not in Dossier.Kind.values:
        errors["kind"] = ValidationError(_("Choose the kind of registration."), code="kind")
    if filed_on is None:
        errors["filed_on"] = ValidationError(_("Give the day it was filed."), code="no_day")
    elif filed_on >= DECISION_EFFECTIVE_ON:
        errors["filed_on"] = ValidationError(
            _(
                "Only dossiers filed before %(day)s, when Decision 26/2026 took effect, follow "
                "the old rules (art. 12(2)); file this one on the platform."
            ),
            code="filed_after_the_decision",
            params={"day": date_format(DECISION_EFFECTIVE_ON, "SHORT_DATE_FORMAT")},
        )
    if errors:
        raise ValidationError(errors)
    pending = TransitionalDossier.objects.select_for_update().filter(
        product=product, status=T.PENDING
    )
    if pending.exists():
        raise ValidationError(
            _("This product already has a dossier from before 22 May 2026 waiting for its result."),
            code="already_pending",
        )
    dossier = TransitionalDossier.objects.create(
        product=product,
        producer=producer,
        province_id=producer.province_id,
        kind=kind,
        filed_on=filed_on,
        reference=clean_text(reference),
        note=(note or "").strip(),
        completion_due_on=transitional_completion_due(kind),
        entered_by=actor,
    )
    record_event(
        actor=actor,
        action="transitional_dossier.recorded",
        obj=dossier,
        changes={
            "product": [None, product.pk],
            "kind": [None, kind],
            "filed_on": [None, filed_on],
            "completion_due_on": [None, dossier.completion_due_on],
        },
        new_status=dossier.status,
    )
    return dossier


def _lock(dossier, actor) -> TransitionalDossier:
    locked = (
        TransitionalDossier.objects.editable_by(actor)
        .select_for_update()
        .filter(pk=dossier.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(_("Only the OCOP office of the product's province can do this."))
    if locked.status != T.PENDING:
        raise ValidationError(
            _("This dossier is already closed (%(status)s)."),
            code="closed",
            params={"status": locked.get_status_display()},
        )
    return locked


@transaction.atomic
def close_transitional_dossier(dossier, *, actor, outcome, note) -> TransitionalDossier:
    """Close it without a recognition: rated below 3 stars or rejected under the old rules
    (``not_recognised``), or withdrawn. A recognition is recorded as a historical decision."""
    locked = _lock(dossier, actor)
    if outcome not in (T.NOT_RECOGNISED, T.WITHDRAWN):
        raise ValidationError(
            _(
                "Choose the outcome. A recognition is recorded as a historical decision of the "
                "province, which closes the dossier."
            ),
            code="outcome",
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": ValidationError(_("Write what happened to the dossier."), code="note")}
        )
    return _close(locked, actor=actor, status=outcome, note=note, closed_on=timezone.localdate())


def close_recognised(product_ids, *, actor, decision_number, decided_on) -> int:
    """Called by the certificates app when it records a historical decision recognising these
    products: their dossiers from before 22 May 2026 are closed as recognised. Returns how
    many. (Run inside the caller's transaction.)"""
    return close_recognised_by_decisions([(decision_number, decided_on, product_ids)], actor=actor)


def close_recognised_by_decisions(decisions, *, actor) -> int:
    """:func:`close_recognised` for several decisions at once (an import records thousands):
    ``decisions`` is a list of ``(decision_number, decided_on, product_ids)``. A pending
    dossier is closed by the first decision, in the list's order, that recognises its product
    on or after the day it was filed. One query per 500 products, whatever the number of
    decisions."""
    by_product = {}
    for number, decided_on, product_ids in decisions:
        for product_id in product_ids:
            by_product.setdefault(product_id, []).append((number, decided_on))
    ids = sorted(by_product)
    closed = 0
    for start in range(0, len(ids), 500):
        pending = TransitionalDossier.objects.select_for_update().filter(
            product_id__in=ids[start : start + 500], status=T.PENDING
        )
        for dossier in pending.order_by("pk"):
            chosen = next(
                (
                    (number, decided_on)
                    for number, decided_on in by_product[dossier.product_id]
                    if dossier.filed_on <= decided_on
                ),
                None,
            )
            if chosen is None:
                continue
            dossier.decision_number = chosen[0]
            _close(
                dossier,
                actor=actor,
                status=T.RECOGNISED,
                note=dossier.note,
                closed_on=chosen[1],
                extra=["decision_number"],
            )
            closed += 1
    return closed


def _close(dossier, *, actor, status, note, closed_on, extra=()) -> TransitionalDossier:
    old = dossier.status
    dossier.status, dossier.note, dossier.closed_on = status, note, closed_on
    dossier.save(update_fields=["status", "note", "closed_on", "updated_at", *extra])
    record_event(
        actor=actor,
        action="transitional_dossier.closed",
        obj=dossier,
        changes={
            "closed_on": [None, closed_on],
            "decision_number": [None, dossier.decision_number or None],
            "late": [None, closed_on > dossier.completion_due_on],
        },
        old_status=old,
        new_status=status,
        comment=note,
    )
    return dossier
