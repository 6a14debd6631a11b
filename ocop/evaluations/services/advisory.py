"""The council's advisory work (tổ tư vấn): site visits to the producer and laboratory tests of
the product, recorded by the advisory team, the council's chair or the organising office while
the dossier is being scored. Each is dated between the dossier's submission and today.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ocop.core.audit import record_event

from ..models import LabTestOrder, SiteVisit
from ..permissions import can_advise
from .guards import lock_dossier, required_text, scoring_council


def _check_advisory_date(day, dossier, *, future_message, code) -> None:
    """A visit, order or result is dated between the dossier's submission and today."""
    if day > timezone.localdate():
        raise ValidationError(future_message, code=code)
    submitted_on = timezone.localdate(dossier.submitted_at) if dossier.submitted_at else None
    if submitted_on is not None and day < submitted_on:
        raise ValidationError(
            _("The date cannot be before the dossier was submitted (%(date)s)."),
            code="before_submission",
            params={"date": date_format(submitted_on, "SHORT_DATE_FORMAT")},
        )


def _check_advisory(actor, dossier, council) -> None:
    if not can_advise(actor, dossier, council):
        raise PermissionDenied(
            _("Only the advisory team, the council's chair or the OCOP office can do this.")
        )


@transaction.atomic
def record_site_visit(dossier, *, actor, visited_on, findings, participants="") -> SiteVisit:
    locked = lock_dossier(dossier, actor)
    council = scoring_council(locked)
    _check_advisory(actor, locked, council)
    findings = required_text(findings, _("Write what the visit found."), "findings")
    _check_advisory_date(
        visited_on, locked, future_message=_("The visit cannot be in the future."), code="future"
    )
    visit = SiteVisit.objects.create(
        dossier=locked,
        council=council,
        visited_on=visited_on,
        participants=(participants or "").strip(),
        findings=findings,
        recorded_by=actor,
    )
    record_event(
        actor=actor,
        action="advisory.site_visit_recorded",
        obj=visit,
        changes={"dossier": [None, locked.pk], "visited_on": [None, visited_on]},
    )
    return visit


@transaction.atomic
def order_lab_test(dossier, *, actor, laboratory, tests, ordered_on=None) -> LabTestOrder:
    locked = lock_dossier(dossier, actor)
    council = scoring_council(locked)
    _check_advisory(actor, locked, council)
    ordered_on = ordered_on or timezone.localdate()
    _check_advisory_date(
        ordered_on,
        locked,
        future_message=_("The order cannot be dated in the future."),
        code="future",
    )
    order = LabTestOrder.objects.create(
        dossier=locked,
        council=council,
        ordered_on=ordered_on,
        laboratory=required_text(laboratory, _("Name the laboratory."), "laboratory"),
        tests=required_text(tests, _("List the tests requested."), "tests"),
        ordered_by=actor,
    )
    record_event(
        actor=actor,
        action="advisory.lab_test_ordered",
        obj=order,
        changes={"dossier": [None, locked.pk], "laboratory": [None, order.laboratory]},
        new_status=order.status,
    )
    return order


@transaction.atomic
def record_lab_result(order, *, actor, summary, reported_on=None, document=None) -> LabTestOrder:
    locked_order = LabTestOrder.objects.select_for_update().get(pk=order.pk)
    dossier = lock_dossier(locked_order.dossier, actor)
    _check_advisory(actor, dossier, locked_order.council)
    if locked_order.status == LabTestOrder.Status.REPORTED:
        raise ValidationError(_("The result of this test is already recorded."), code="reported")
    if document is not None and document.producer_id != dossier.producer_id:
        raise ValidationError(_("Choose a document of this producer."), code="foreign_document")
    reported_on = reported_on or timezone.localdate()
    if reported_on > timezone.localdate():
        raise ValidationError(_("The result cannot be dated in the future."), code="future")
    if reported_on < locked_order.ordered_on:
        raise ValidationError(
            _("The result cannot be dated before the test was ordered (%(date)s)."),
            code="before_order",
            params={"date": date_format(locked_order.ordered_on, "SHORT_DATE_FORMAT")},
        )
    locked_order.result_summary = required_text(summary, _("Summarise the result."), "summary")
    locked_order.result_document = document
    locked_order.reported_on = reported_on
    locked_order.status = LabTestOrder.Status.REPORTED
    locked_order.save()
    record_event(
        actor=actor,
        action="advisory.lab_result_recorded",
        obj=locked_order,
        old_status=LabTestOrder.Status.ORDERED,
        new_status=LabTestOrder.Status.REPORTED,
        comment=locked_order.result_summary,
    )
    return locked_order
