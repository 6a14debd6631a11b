"""What territory an official governs. Each domain app turns this into its own
`visible_to(user)` / `editable_by(user)` queryset methods."""

from dataclasses import dataclass

from .models import Membership


@dataclass(frozen=True)
class OfficialScope:
    is_national: bool = False
    province_codes: frozenset[str] = frozenset()
    commune_codes: frozenset[str] = frozenset()

    @property
    def is_official(self) -> bool:
        return self.is_national or bool(self.province_codes or self.commune_codes)


NO_SCOPE = OfficialScope()


def official_scope(user) -> OfficialScope:
    """The user's official scope, computed once per user object (one query)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_official_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = OfficialScope(is_national=True)
    else:
        rows = list(Membership.objects.filter(user=user).values_list("role", "province", "commune"))
        scope = OfficialScope(
            is_national=any(role == Membership.Role.CENTRAL_OFFICE for role, _, _ in rows),
            province_codes=frozenset(p for role, p, _ in rows if p),
            commune_codes=frozenset(c for role, _, c in rows if c),
        )
    user._official_scope = scope
    return scope
