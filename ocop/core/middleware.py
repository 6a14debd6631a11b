from django.conf import settings
from django.http import Http404
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from ocop.core.deadlines import calendar_cache


class LanguageMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose another language with the switch (the language cookie).

    Browsers in Vietnam often announce English first in Accept-Language; that must not turn a
    Vietnamese platform into an English one, so the header is not consulted."""

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


class OutOfRangeIdMiddleware:
    """An id too large for the database (SQLite raises OverflowError) means "no such object".

    A safety net under the views: ids from paths, query strings and forms are all covered, so a
    forged number beyond 2**63 - 1 gives the 404 page instead of a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            from ocop.core.views import page_not_found

            return page_not_found(request, Http404())
        return None


class WorkingCalendarMiddleware:
    """Reads the official days off of a year once per request (``deadlines.calendar_cache``),
    so a list that shows a legal deadline on each row costs one query, not one per row."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with calendar_cache():
            return self.get_response(request)
