from django.shortcuts import render

from .models import Membership
from .scope import official_scope


def home(request):
    """The start page after login: what this account governs and where to go next."""
    user = request.user
    context = {
        "scope": official_scope(user),
        "memberships": Membership.objects.filter(user=user).select_related("province", "commune"),
        "producer_memberships": user.producer_memberships.select_related("producer"),
    }
    return render(request, "accounts/home.html", context)
