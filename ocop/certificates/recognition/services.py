"""Recognition decisions and the certificates they issue: a draft decision from council results,
signing it (which issues the certificates) or discarding it, and recording a decision taken
before the platform. Each change is one function, ``verb_noun(obj, *, actor, ...)``, in one
transaction, with the rows it changes locked, the actor's authority checked, a hash-chained
audit event written in the same transaction, and the producer told by e-mail once it commits.

A refusal raises ``PermissionDenied`` (wrong person) or ``ValidationError`` (wrong state or
input) with a message for the person who tried, and leaves the database as it was.

Who decides is ``guards.can_decide``; revocation is in ``control/revocation.py``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core.audit import record_event
from ocop.core.deadlines import certificate_expires_on
from ocop.evaluations.models import Dossier
from ocop.evaluations.recognition import ProductRecognition, Recognition
from ocop.evaluations.services.transitional import close_recognised
from ocop.products.models import Product

from ..guards import can_decide, notify_producers
from ..models import (
    AUTHORITY_STARS,
    DISTRICTS_ABOLISHED,
    VALID_STATUSES,
    Authority,
    Certificate,
    DecisionItem,
    RecognitionDecision,
)
from ..signals import announce_change

# --------------------------------------------------------------------------------------
# Authority
# --------------------------------------------------------------------------------------


def _refuse_authority(authority):
    if authority == Authority.MINISTER:
        raise PermissionDenied(
            _("Only the central OCOP office can prepare the Minister's decisions.")
        )
    raise PermissionDenied(_("Only the OCOP office of the province can do this."))


# --------------------------------------------------------------------------------------
# Decisions from council results
# --------------------------------------------------------------------------------------


def _check_number(number, decided_on, signer_name):
    errors = {}
    if not (number or "").strip():
        errors["number"] = ValidationError(
            _("Enter the decision number, e.g. 1234/QĐ-UBND."), code="no_number"
        )
    if decided_on is None:
        errors["decided_on"] = ValidationError(_("Enter the date of the decision."), code="no_date")
    elif decided_on > timezone.localdate():
        errors["decided_on"] = ValidationError(
            _("The date of the decision cannot be in the future."), code="future_date"
        )
    if not (signer_name or "").strip():
        errors["signer_name"] = ValidationError(
            _("Enter the name of the person who signs the decision."), code="no_signer"
        )
    if errors:
        raise ValidationError(errors)


def _save_decision(decision):
    """Save a new decision; a number already used by the same body that year is refused."""
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        raise ValidationError(
            {
                "number": ValidationError(
                    _("Decision number %(number)s is already recorded for %(year)s."),
                    code="duplicate_number",
                    params={"number": decision.number, "year": decision.decided_on.year},
                )
            }
        ) from None


@transaction.atomic
def create_decision_from_results(
    province,
    *,
    actor,
    results,
    number,
    decided_on,
    signer_name,
    note="",
) -> RecognitionDecision:
    """A draft decision recognising the products of ``results`` (council results on which a
    dossier's proposal rests). Dossiers ``proposed`` (3★, 4★) make a provincial chairman's
    decision for ``province``; dossiers ``proposed_central`` (5★) a Minister's decision."""
    results = list(results)
    if not results:
        raise ValidationError(_("Choose at least one proposed product."), code="no_results")
    _check_number(number, decided_on, signer_name)
    dossiers = list(
        Dossier.objects.select_for_update(of=("self",))
        .filter(decisive_result_id__in=[result.pk for result in results])
        .select_related("product")
        .order_by("pk")
    )
    by_result = {dossier.decisive_result_id: dossier for dossier in dossiers}
    statuses = {dossier.status for dossier in dossiers}
    if statuses == {Dossier.Status.PROPOSED_CENTRAL}:
        authority = Authority.MINISTER
    elif statuses == {Dossier.Status.PROPOSED}:
        authority = Authority.PROVINCE_CHAIRMAN
    else:
        authority = None
    candidates = [authority] if authority else [Authority.PROVINCE_CHAIRMAN, Authority.MINISTER]
    if not any(can_decide(actor, authority=a, province_id=province.pk) for a in candidates):
        _refuse_authority(authority)
    problems = []
    for result in results:
        dossier = by_result.get(result.pk)
        if dossier is None or dossier.status not in (
            Dossier.Status.PROPOSED,
            Dossier.Status.PROPOSED_CENTRAL,
        ):
            problems.append(
                ValidationError(
                    _("Council result %(result)s is not a proposal for recognition."),
                    code="not_proposed",
                    params={"result": result},
                )
            )
        elif authority != Authority.MINISTER and dossier.province_id != province.pk:
            # The Minister's decisions recognise 5-star products of any province together.
            problems.append(
                ValidationError(
                    _("%(product)s belongs to another province."),
                    code="other_province",
                    params={"product": dossier.product},
                )
            )
    if authority is None and not problems:
        problems.append(
            ValidationError(
                _(
                    "5-star products are recognised by the Minister and 3- and 4-star products "
                    "by the province: put them in separate decisions."
                ),
                code="mixed_authorities",
            )
        )
    taken = DecisionItem.objects.filter(dossier__in=dossiers).select_related("decision")
    for item in taken:
        problems.append(
            ValidationError(
                _("%(product)s is already in decision %(decision)s."),
                code="already_in_decision",
                params={"product": item.product, "decision": item.decision},
            )
        )
    if not taken:
        problems += _replaced_valid_certificates(
            [by_result[result.pk] for result in results if result.pk in by_result], decided_on
        )
    if problems:
        raise ValidationError(problems)

    decision = RecognitionDecision(
        number=number.strip(),
        decided_on=decided_on,
        authority=authority,
        signer_name=signer_name.strip(),
        province=None if authority == Authority.MINISTER else province,
        note=note,
        created_by=actor,
    )
    _save_decision(decision)
    for position, result in enumerate(results, start=1):
        dossier = by_result[result.pk]
        DecisionItem.objects.create(
            decision=decision,
            position=position,
            product=dossier.product,
            star=dossier.proposed_star,
            dossier=dossier,
            council_result=result,
        )
    record_event(
        actor=actor,
        action="decision.created",
        obj=decision,
        changes={
            "number": [None, decision.number],
            "decided_on": [None, decided_on],
            "authority": [None, authority],
            "products": [None, ", ".join(f"{by_result[r.pk].product_id}" for r in results)],
        },
        new_status=decision.status,
    )
    return decision


def _replaced_valid_certificates(dossiers, decided_on) -> list[ValidationError]:
    """A first rating may not replace a certificate that is still valid on the decision's day:
    the product files an upgrade or a re-rating instead (``create_dossier`` refuses such first
    ratings; this catches a certificate recorded after the dossier was filed)."""
    first_ratings = {d.product_id: d for d in dossiers if d.kind == Dossier.Kind.FIRST_RATING}
    if not first_ratings:
        return []
    current = (
        Certificate.objects.filter(product_id__in=first_ratings, is_current=True)
        .with_pending_re_rating()
        .select_related("product")
    )
    return [
        ValidationError(
            _(
                "%(product)s holds certificate %(number)s, valid until %(until)s: a first "
                "rating cannot replace a valid certificate. Take the product out of this "
                "decision; the producer files an upgrade or a re-rating instead."
            ),
            code="replaces_valid_certificate",
            params={
                "product": certificate.product,
                "number": certificate.number,
                "until": date_format(certificate.valid_until, "SHORT_DATE_FORMAT"),
            },
        )
        for certificate in current
        if certificate.status_on(decided_on) in VALID_STATUSES
    ]


def product_recognition(product_id: int, day: datetime.date) -> ProductRecognition:
    """What the evaluations ask of a product's certificates (the reader registered in
    ``CertificatesConfig.ready``): its current certificate as it stands on ``day``, and the
    dossiers that a signed decision has recognised. Two queries."""
    certificate = (
        Certificate.objects.filter(product_id=product_id, is_current=True)
        .select_related("item")
        .with_pending_re_rating()
        .first()
    )
    decided = DecisionItem.objects.filter(
        product_id=product_id,
        dossier__isnull=False,
        decision__status=RecognitionDecision.Status.SIGNED,
    ).values_list("dossier_id", flat=True)
    current = None
    if certificate is not None:
        current = Recognition(
            certificate_id=certificate.pk,
            number=certificate.number,
            star=certificate.star,
            issued_on=certificate.issued_on,
            valid_until=certificate.valid_until,
            is_valid=certificate.status_on(day) in VALID_STATUSES,
            dossier_id=certificate.item.dossier_id,
        )
    return ProductRecognition(current=current, decided_dossier_ids=frozenset(decided))


def _lock_products(product_ids):
    """Lock the products' rows (in a fixed order), so that two issuers for the same product
    run one after the other."""
    return {
        product.pk: product
        for product in Product.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(product_ids))
        .select_related("producer")
        .order_by("pk")
    }


def certificate_number(decision, item) -> str:
    """``<province code or TW>-<year>-<decision id>-<line>``: unique by construction."""
    scope = decision.province_id or "TW"
    return f"{scope}-{decision.decided_on.year}-{decision.pk:05d}-{item.position:03d}"


def _issue(decision, item, product, *, actor, number, issued_on, valid_until, is_sample=False):
    """Issue one certificate; the product's current certificate, if older, is superseded by it
    (a newer one already recorded supersedes this one instead)."""
    previous = (
        Certificate.objects.select_for_update().filter(product=product, is_current=True).first()
    )
    newer_exists = previous is not None and previous.issued_on > issued_on
    if previous is not None and not newer_exists:
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                number=number,
                decision=decision,
                item=item,
                product=product,
                star=item.star,
                council_result=item.council_result,
                issued_on=issued_on,
                valid_until=valid_until,
                is_current=not newer_exists,
                superseded_by=previous if newer_exists else None,
                superseded_on=previous.issued_on if newer_exists else None,
                is_sample=is_sample,
            )
    except IntegrityError:
        raise ValidationError(
            _(
                "A certificate for %(product)s was issued at the same moment, or certificate "
                "number %(number)s is already used. Reload the page and check the product's "
                "certificates."
            ),
            code="certificate_conflict",
            params={"product": product, "number": number},
        ) from None
    record_event(
        actor=actor,
        action="certificate.issued",
        obj=certificate,
        changes={
            "product": [None, product.pk],
            "star": [None, certificate.star],
            "issued_on": [None, issued_on],
            "valid_until": [None, valid_until],
            "decision": [None, decision.number],
        },
        new_status="current" if certificate.is_current else "superseded",
    )
    announce_change([product.pk])
    if previous is not None and not newer_exists:
        previous.superseded_by = certificate
        previous.superseded_on = issued_on
        previous.save(update_fields=["superseded_by", "superseded_on", "updated_at"])
        record_event(
            actor=actor,
            action="certificate.superseded",
            obj=previous,
            changes={"superseded_by": [None, certificate.number]},
            old_status="current",
            new_status="superseded",
        )
    return certificate


@transaction.atomic
def sign_decision(decision, *, actor) -> RecognitionDecision:
    """Record that the decision is signed and issue its certificates, dated the decision's
    date and valid 36 months."""
    locked = RecognitionDecision.objects.select_for_update().filter(pk=decision.pk).first()
    if locked is None:
        raise PermissionDenied(_("You cannot act on this decision."))
    if not can_decide(actor, authority=locked.authority, province_id=locked.province_id):
        _refuse_authority(locked.authority)
    if locked.is_signed:
        raise ValidationError(
            _("Decision %(number)s is already signed; its certificates are issued."),
            code="already_signed",
            params={"number": locked.number},
        )
    items = list(locked.items.select_related("council_result", "dossier").order_by("position"))
    if not items:
        raise ValidationError(_("The decision recognises no product."), code="no_items")
    products = _lock_products(item.product_id for item in items)
    problems = _replaced_valid_certificates(
        [item.dossier for item in items if item.dossier is not None], locked.decided_on
    )
    if problems:
        raise ValidationError(problems)
    valid_until = certificate_expires_on(locked.decided_on)
    certificates = [
        _issue(
            locked,
            item,
            products[item.product_id],
            actor=actor,
            number=certificate_number(locked, item),
            issued_on=locked.decided_on,
            valid_until=valid_until,
            is_sample=locked.is_sample,
        )
        for item in items
    ]
    locked.status = RecognitionDecision.Status.SIGNED
    locked.signed_at = timezone.now()
    locked.save(update_fields=["status", "signed_at", "updated_at"])
    record_event(
        actor=actor,
        action="decision.signed",
        obj=locked,
        changes={"certificates": [None, ", ".join(c.number for c in certificates)]},
        old_status=RecognitionDecision.Status.DRAFT,
        new_status=RecognitionDecision.Status.SIGNED,
    )
    notify_producers(
        products.values(),
        subject=gettext_lazy("Your product is recognised as an OCOP product"),
        body=gettext_lazy(
            "Decision %(number)s of %(date)s recognises your product. Its certificate is "
            "valid until %(until)s."
        ),
        params={
            "number": locked.number,
            "date": date_format(locked.decided_on, "SHORT_DATE_FORMAT"),
            "until": date_format(valid_until, "SHORT_DATE_FORMAT"),
        },
    )
    return locked


@transaction.atomic
def discard_decision(decision, *, actor) -> None:
    """Delete a draft decision and its lines (nothing was issued from it); its dossiers can
    then go into another decision. The audit event keeps its number and products."""
    locked = RecognitionDecision.objects.select_for_update().filter(pk=decision.pk).first()
    if locked is None:
        raise PermissionDenied(_("You cannot act on this decision."))
    if not can_decide(actor, authority=locked.authority, province_id=locked.province_id):
        _refuse_authority(locked.authority)
    if locked.is_signed:
        raise ValidationError(
            _("Decision %(number)s is signed and cannot be discarded."),
            code="signed",
            params={"number": locked.number},
        )
    product_ids = list(locked.items.order_by("position").values_list("product_id", flat=True))
    record_event(
        actor=actor,
        action="decision.discarded",
        obj=locked,
        changes={
            "number": [locked.number, None],
            "decided_on": [locked.decided_on, None],
            "products": [", ".join(str(pk) for pk in product_ids), None],
        },
        old_status=RecognitionDecision.Status.DRAFT,
        new_status="discarded",
    )
    locked.items.all().delete()
    locked.delete()


# --------------------------------------------------------------------------------------
# Decisions taken before the platform
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoricalCertificate:
    """One product of a historical decision, as written on its certificate."""

    product: Product
    star: int
    number: str
    issued_on: datetime.date | None = None  # the decision's date when empty
    valid_until: datetime.date | None = None  # 36 months after issue when empty


@transaction.atomic
def record_historical_decision(
    province,
    *,
    actor,
    number,
    decided_on,
    signer_name,
    certificates,
    authority=Authority.PROVINCE_CHAIRMAN,
    is_sample=False,
    note="",
    require_numbers=True,
) -> RecognitionDecision:
    """Record a decision taken before the platform and its certificates (signed at once).
    Without `require_numbers`, a certificate whose number is not known gets the platform's."""
    if not can_decide(actor, authority=authority, province_id=province.pk):
        _refuse_authority(authority)
    _check_number(number, decided_on, signer_name)
    if authority == Authority.DISTRICT_CHAIRMAN and decided_on >= DISTRICTS_ABOLISHED:
        raise ValidationError(
            {
                "authority": ValidationError(
                    _(
                        "Districts were abolished on 1 July 2025: from then on, the provincial "
                        "chairman decides."
                    ),
                    code="district_abolished",
                )
            }
        )
    entries = list(certificates)
    products = _check_historical_entries(entries, province, authority, numbered=require_numbers)
    decision = RecognitionDecision(
        number=number.strip(),
        decided_on=decided_on,
        authority=authority,
        signer_name=signer_name.strip(),
        province=None if authority == Authority.MINISTER else province,
        status=RecognitionDecision.Status.SIGNED,
        signed_at=timezone.now(),
        is_historical=True,
        is_sample=is_sample,
        note=note,
        created_by=actor,
    )
    _save_decision(decision)
    _record_historical_entries(decision, entries, products, actor=actor)
    record_event(
        actor=actor,
        action="decision.historical_recorded",
        obj=decision,
        changes={
            "number": [None, decision.number],
            "decided_on": [None, decided_on],
            "certificates": [None, len(entries)],
        },
        new_status=decision.status,
    )
    return decision


@transaction.atomic
def extend_historical_decision(decision, *, actor, certificates) -> RecognitionDecision:
    """Add products to a historical decision already recorded (a list names a product of it
    that was not recorded then). A certificate without a number gets the platform's."""
    decision = RecognitionDecision.objects.select_for_update().get(pk=decision.pk)
    province = decision.province or None
    if not decision.is_historical:
        raise ValidationError(
            _("Decision %(number)s was issued on the platform: it cannot be extended."),
            code="not_historical",
            params={"number": decision.number},
        )
    if not can_decide(actor, authority=decision.authority, province_id=decision.province_id):
        _refuse_authority(decision.authority)
    entries = list(certificates)
    products = _check_historical_entries(entries, province, decision.authority, numbered=False)
    taken = set(decision.items.filter(product__in=products).values_list("product_id", flat=True))
    if taken:
        raise ValidationError(
            _("This decision already lists the product."), code="duplicate_product"
        )
    _record_historical_entries(decision, entries, products, actor=actor)
    record_event(
        actor=actor,
        action="decision.historical_extended",
        obj=decision,
        changes={"certificates": [None, len(entries)]},
    )
    return decision


def _check_historical_entries(entries, province, authority, *, numbered):
    """Lock the entries' products and check them against the decision; ValidationError with
    every problem found."""
    problems = []
    if not entries:
        problems.append(ValidationError(_("Add at least one product."), code="no_items"))
    products = _lock_products(entry.product.pk for entry in entries)
    for entry in entries:
        product = products[entry.product.pk]
        if entry.star not in (3, 4, 5):
            problems.append(
                ValidationError(
                    _("%(product)s: the star must be 3, 4 or 5."),
                    code="star",
                    params={"product": product},
                )
            )
        elif entry.star not in AUTHORITY_STARS.get(authority, ()):
            problems.append(
                ValidationError(
                    _("%(product)s: %(authority)s does not recognise %(star)s-star products."),
                    code="star_authority",
                    params={
                        "product": product,
                        "authority": Authority(authority).label,
                        "star": entry.star,
                    },
                )
            )
        if province is not None and product.producer.province_id != province.pk:
            problems.append(
                ValidationError(
                    _("%(product)s belongs to another province."),
                    code="other_province",
                    params={"product": product},
                )
            )
        if numbered and not entry.number.strip():
            problems.append(
                ValidationError(
                    _("%(product)s: enter the certificate number."),
                    code="no_certificate_number",
                    params={"product": product},
                )
            )
    if len({entry.product.pk for entry in entries}) != len(entries):
        problems.append(ValidationError(_("A product is listed twice."), code="duplicate_product"))
    if problems:
        raise ValidationError(problems)
    return products


def _record_historical_entries(decision, entries, products, *, actor):
    decided_on = decision.decided_on
    last = decision.items.aggregate(last=Max("position"))["last"] or 0
    ordered = sorted(entries, key=lambda e: e.issued_on or decided_on)
    for position, entry in enumerate(ordered, last + 1):
        product = products[entry.product.pk]
        item = DecisionItem.objects.create(
            decision=decision, position=position, product=product, star=entry.star
        )
        issued_on = entry.issued_on or decided_on
        _issue(
            decision,
            item,
            product,
            actor=actor,
            number=entry.number.strip() or certificate_number(decision, item),
            issued_on=issued_on,
            valid_until=entry.valid_until or certificate_expires_on(issued_on),
            is_sample=decision.is_sample,
        )
    # Dossiers filed before 22 May 2026 (art. 12(2)) end with this recognition.
    close_recognised(products, actor=actor, decision_number=decision.number, decided_on=decided_on)


# --------------------------------------------------------------------------------------
# Revocation
# --------------------------------------------------------------------------------------


__all__ = [
    "HistoricalCertificate",
    "certificate_number",
    "create_decision_from_results",
    "discard_decision",
    "extend_historical_decision",
    "record_historical_decision",
    "sign_decision",
]
