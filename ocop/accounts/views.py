from django.shortcuts import render

from .models import Membership
from .scope import official_scope


def home(request):
    """The start page after login: what this account governs and where to go next."""
    user = request.user
    scope = official_scope(user)
    context = {
        "scope": scope,
        "is_province_office": bool(scope.province_codes),
        "is_commune_officer": bool(scope.commune_codes),
        "memberships": Membership.objects.filter(user=user).select_related("province", "commune"),
        "producer_memberships": user.producer_memberships.select_related("producer"),
        # Council seats are the evaluations app's rows, reached by the reverse relation.
        "council_seats": user.council_memberships.select_related("council__round"),
    }
    return render(request, "accounts/home.html", context)
