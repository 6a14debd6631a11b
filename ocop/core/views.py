from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_not_required
def landing(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")
    return render(request, "core/landing.html")


@login_not_required
@require_GET
def favicon(request):
    """Browsers and crawlers ask for ``/favicon.ico`` whatever the page says: send them to the
    icon (permanently, so they ask once)."""
    return redirect(static("favicon.svg"), permanent=True)


@login_not_required
@require_GET
@never_cache
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_not_required
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


@login_not_required
def server_error(request):
    return render(request, "500.html", status=500)
