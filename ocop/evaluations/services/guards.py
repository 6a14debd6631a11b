"""The guards every stage of the evaluation procedure uses (see the package's docstring).

A stage's service function locks the dossier row for the actor (``lock_dossier``), checks the
actor's role and the move against ``ALLOWED_TRANSITIONS`` (``require_role``,
``check_transition``), then moves the dossier, which writes the audit event in the same
transaction and e-mails the producer once it commits (``move_dossier``). The small input
helpers the stages share sit at the end.
"""

from __future__ import annotations

import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core.audit import record_event
from ocop.core.links import absolute_reverse
from ocop.core.tasks import queue_email
from ocop.core.text import normalize
from ocop.producers.models import ProducerMember

from ..models import ALLOWED_TRANSITIONS, SCORING_STATUSES, Actor, Council, Dossier
from ..permissions import current_council, has_role

S = Dossier.Status
_TWO_PLACES = Decimal("0.01")


# --------------------------------------------------------------------------------------
# Locking, roles, transitions
# --------------------------------------------------------------------------------------


def lock_dossier(dossier, actor) -> Dossier:
    """The dossier row, locked, if the actor may see it at all."""
    locked = (
        Dossier.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=dossier.pk)
        .select_related("product", "producer", "rubric_version")
        .first()
    )
    if locked is None:
        raise PermissionDenied(_("You cannot act on this dossier."))
    return locked


ROLE_REFUSALS = {
    Actor.PRODUCER: gettext_lazy("Only a member of the producer can do this."),
    Actor.COMMUNE: gettext_lazy(
        "Only an officer of the commune where the dossier was filed can do this."
    ),
    Actor.PROVINCE: gettext_lazy("Only the OCOP office of the dossier's province can do this."),
    Actor.CENTRAL: gettext_lazy("Only the central OCOP office can do this."),
    Actor.CHAIR: gettext_lazy("Only the chair of the council scoring this dossier can do this."),
}


def require_role(actor, dossier, role) -> None:
    if not has_role(actor, dossier, role):
        raise PermissionDenied(str(ROLE_REFUSALS[role]))


def check_transition(dossier, target, role) -> None:
    """Refuse a change that the table does not allow from the dossier's status."""
    if ALLOWED_TRANSITIONS.get(dossier.status, {}).get(target) != role:
        raise ValidationError(
            _(
                "This dossier is “%(status)s”; it cannot become “%(target)s” now. "
                "Reload the page to see its current status."
            ),
            code="wrong_status",
            params={
                "status": dossier.get_status_display(),
                "target": S(target).label,
            },
        )


def scoring_council(dossier) -> Council:
    """The council scoring the dossier now; refused when it is not being scored or its round
    has no council yet."""
    if dossier.status not in SCORING_STATUSES:
        raise ValidationError(
            _("This dossier is not being scored now (it is “%(status)s”)."),
            code="not_scoring",
            params={"status": dossier.get_status_display()},
        )
    council = current_council(dossier)
    if council is None:
        raise ValidationError(_("The round of this dossier has no council yet."), code="no_council")
    return council


def move_dossier(
    dossier,
    target,
    *,
    actor,
    action,
    comment="",
    changes=None,
    fields=(),
    notify=True,
) -> Dossier:
    """Set the new status (and ``fields`` already set on the instance), save, audit, notify."""
    old = dossier.status
    dossier.status = target
    dossier.save(update_fields=["status", "updated_at", *fields])
    record_event(
        actor=actor,
        action=action,
        obj=dossier,
        changes={"status": [old, target], **(changes or {})},
        old_status=old,
        new_status=target,
        comment=comment,
    )
    if notify:
        notify_producer(dossier, comment=comment)
    return dossier


# --------------------------------------------------------------------------------------
# Notifications
# --------------------------------------------------------------------------------------


def _producer_addresses(dossier) -> list[str]:
    return sorted(
        {
            address
            for address in ProducerMember.objects.filter(
                producer_id=dossier.producer_id, user__is_active=True
            ).values_list("user__email", flat=True)
            if address
        }
    )


_NEXT_STEP = {
    S.SUBMITTED: gettext_lazy(
        "The commune will check your dossier within 15 working days (by %(deadline)s)."
    ),
    S.RETURNED: gettext_lazy("Please complete the dossier as asked and submit it again."),
    S.FORWARDED: gettext_lazy("The commune has sent your dossier to the provincial OCOP office."),
    S.ACCEPTED: gettext_lazy(
        "The provincial OCOP office has accepted your dossier for a scoring round."
    ),
    S.IN_ROUND: gettext_lazy("Your dossier will be scored by the provincial council."),
    S.AWAITING_APPROVAL: gettext_lazy(
        "Your product scored 90 points or more; the province approves the result and sends it "
        "to the central round for 5 stars."
    ),
    S.SENT_CENTRAL: gettext_lazy(
        "The province has sent your dossier to the central round for 5 stars."
    ),
    S.IN_CENTRAL_ROUND: gettext_lazy("Your dossier will be scored by the central council."),
    S.CENTRAL_NOT_FIVE: gettext_lazy(
        "The central council did not rate your product 5 stars; the province may recognise "
        "it at 3 or 4 stars on the central score, or evaluate it again."
    ),
    S.RATED_LOW: gettext_lazy(
        "Your product was rated below 3 stars. The gap report on the dossier page shows what "
        "it needs for the next star."
    ),
    S.REJECTED: gettext_lazy(
        "Your dossier was rejected by the council. See the dossier page for the reason."
    ),
    S.PROPOSED: gettext_lazy("Your product is proposed for recognition at %(star)s stars."),
    S.PROPOSED_CENTRAL: gettext_lazy("Your product is proposed for recognition at 5 stars."),
    S.WITHDRAWN: gettext_lazy("The dossier was withdrawn."),
}


def next_step(dossier) -> str:
    """What happens next to the dossier, told to the producer (in the active language)."""
    step = _NEXT_STEP.get(dossier.status)
    if not step:
        return ""
    deadline = (
        date_format(dossier.commune_deadline, "SHORT_DATE_FORMAT")
        if dossier.commune_deadline
        else ""
    )
    return str(step) % {"deadline": deadline, "star": dossier.proposed_star or ""}


def _dossier_link(dossier) -> str:
    try:
        return absolute_reverse("evaluations:dossier_detail", dossier.pk)
    except NoReverseMatch:
        return ""


def notify_producer(dossier, *, comment="") -> None:
    """One e-mail to the producer's members about the dossier's new status, sent once the
    transaction commits (nothing is sent for a change that rolled back)."""
    recipients = _producer_addresses(dossier)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        status = dossier.get_status_display()
        subject = _("OCOP dossier %(dossier)s: %(status)s") % {
            "dossier": dossier.receipt_number or dossier.product_name,
            "status": status,
        }
        lines = [
            _("Product: %(product)s") % {"product": dossier.product_name},
            _("New status: %(status)s") % {"status": status},
        ]
        step = next_step(dossier)
        if step:
            lines.append(step)
        if comment:
            lines.append(_("Comment: %(comment)s") % {"comment": comment})
        link = _dossier_link(dossier)
        if link:
            lines.append(link)
        body = "\n".join(lines)
    transaction.on_commit(partial(queue_email, subject=subject, body=body, recipients=recipients))


# --------------------------------------------------------------------------------------
# Input and figures
# --------------------------------------------------------------------------------------


def clean_text(value) -> str:
    return normalize(value or "")


def required_text(value, message, code) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(message, code=code)
    return text


def answers_digest(answers) -> str:
    return hashlib.sha256(
        json.dumps(answers, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def two_places(value) -> Decimal:
    return Decimal(str(value)).quantize(_TWO_PLACES, rounding=ROUND_HALF_UP)
