"""Which roles a user holds for a dossier (the roles of ``models.ALLOWED_TRANSITIONS``), and
the council a dossier is being scored by. Read-only helpers; the services use them inside their
transactions."""

from ocop.accounts.scope import official_scope
from ocop.producers.models import ProducerMember

from .models import Actor, Council, CouncilMember, Dossier, Round, RoundDossier


def is_producer_member(user, producer_id) -> bool:
    return ProducerMember.objects.filter(user=user, producer_id=producer_id).exists()


def current_entry(dossier) -> RoundDossier | None:
    """The round entry the dossier is (or was last) scored in: the central one while it is in
    a central round, otherwise the newest provincial one."""
    level = (
        Round.Level.CENTRAL
        if dossier.status
        in (
            Dossier.Status.IN_CENTRAL_ROUND,
            Dossier.Status.PROPOSED_CENTRAL,
            Dossier.Status.CENTRAL_NOT_FIVE,
        )
        else Round.Level.PROVINCE
    )
    return (
        RoundDossier.objects.filter(dossier=dossier, round__level=level)
        .select_related("round")
        .order_by("-added_at", "-id")
        .first()
    )


def current_council(dossier) -> Council | None:
    entry = current_entry(dossier)
    if entry is None:
        return None
    return Council.objects.filter(round_id=entry.round_id).select_related("round").first()


def council_seat(user, council) -> CouncilMember | None:
    if council is None or user is None or not user.is_authenticated:
        return None
    return CouncilMember.objects.filter(council=council, user=user).first()


def has_role(user, dossier, role) -> bool:
    """True when ``user`` may act as ``role`` for ``dossier``. Superusers hold every official
    role; producer members and council chairs are never implied."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if role == Actor.PRODUCER:
        return is_producer_member(user, dossier.producer_id)
    if role == Actor.CHAIR:
        seat = council_seat(user, current_council(dossier))
        return seat is not None and seat.role == CouncilMember.Role.CHAIR
    scope = official_scope(user)
    if user.is_superuser:
        return True
    if role == Actor.COMMUNE:
        return dossier.commune_id in scope.commune_codes
    if role == Actor.PROVINCE:
        return dossier.province_id in scope.province_codes
    if role == Actor.CENTRAL:
        return scope.is_national
    return False


def can_organise_round(user, level, province_id=None) -> bool:
    """Provincial offices organise their province's rounds; the central office the central
    ones (superusers both)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    scope = official_scope(user)
    if user.is_superuser:
        return True
    if level == Round.Level.CENTRAL:
        return scope.is_national
    return province_id is not None and province_id in scope.province_codes


_UNKNOWN = object()


def can_advise(user, dossier, council, *, seat=_UNKNOWN) -> bool:
    """The advisory team (Tổ tư vấn), the council's chair and the organising office record site
    visits and lab tests for a dossier being scored by ``council``. ``seat``: the user's seat
    in the council when the caller has it already (None for no seat)."""
    if seat is _UNKNOWN:
        seat = council_seat(user, council)
    if seat is not None and seat.role in (CouncilMember.Role.ADVISER, CouncilMember.Role.CHAIR):
        return True
    office = Actor.CENTRAL if council.round.level == Round.Level.CENTRAL else Actor.PROVINCE
    return has_role(user, dossier, office)


def roles_for(user, dossier, roles) -> set[str]:
    """Which of ``roles`` (``models.Actor`` values) the user holds for the dossier."""
    return {role for role in roles if has_role(user, dossier, role)}
