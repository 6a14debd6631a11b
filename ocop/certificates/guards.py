"""Who may act on decisions and certificates, and how their producers are told: what
recognition and control both use.

Who decides (art. 4(1), 7(3)(e), 7(4)(e), 8(2)): the provincial chairman recognises and revokes
3★ and 4★ products, through the province's OCOP office; the Minister 5★, through the central
OCOP office.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.formats import date_format

from ocop.accounts.scope import official_scope
from ocop.core.tasks import queue_email
from ocop.producers.models import ProducerMember

from .models import Authority

# --------------------------------------------------------------------------------------
# Authority
# --------------------------------------------------------------------------------------


def _is_active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def can_decide(user, *, authority, province_id) -> bool:
    """The Minister's decisions are prepared by the central office; the others by the OCOP
    office of the decision's province (superusers both)."""
    if not _is_active(user):
        return False
    if user.is_superuser:
        return True
    scope = official_scope(user)
    if authority == Authority.MINISTER:
        return scope.is_national
    return province_id is not None and province_id in scope.province_codes


def can_revoke(user, certificate) -> bool:
    """5★: the central office (the Minister revokes); 3★ and 4★: the product's province."""
    authority = Authority.MINISTER if certificate.star == 5 else Authority.PROVINCE_CHAIRMAN
    return can_decide(user, authority=authority, province_id=_province_of(certificate.product))


def _province_of(product) -> str:
    return product.producer.province_id


# --------------------------------------------------------------------------------------
# Notifications
# --------------------------------------------------------------------------------------


def notify_producers(products, *, subject, body, params) -> None:
    """One e-mail to the active members of each product's producer, in the site's language,
    once the transaction commits. Dates among ``params`` are written in the site's language
    too, whatever the language of the page that acted."""
    producer_ids = {product.producer_id for product in products}
    recipients = sorted(
        {
            address
            for address in ProducerMember.objects.filter(
                producer_id__in=producer_ids, user__is_active=True
            ).values_list("user__email", flat=True)
            if address
        }
    )
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        values = {key: _text(value) for key, value in params.items()}
        subject, body = str(subject), str(body) % values
    transaction.on_commit(lambda: queue_email(subject=subject, body=body, recipients=recipients))


def _text(value) -> str:
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)
