"""Several application servers (issue 16 §8): two gunicorn servers on one PostgreSQL database
with the shared database cache (``CACHE_URL=db://``). The login throttle, the public forms'
caps, the statistics cache and the scan counter must hold across both, as they do on one.

It runs on PostgreSQL only: SQLite is the one-machine setup (docs/deployment.md)."""

import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ocop.accounts.tests.factories import PASSWORD, commune_officer, province_officer
from ocop.certificates.control.problem_reports import reports_per_hour
from ocop.certificates.control.revocation import revoke_certificate
from ocop.certificates.models import Certificate, RevocationGround
from ocop.certificates.tests.factories import TODAY, historical_certificate
from ocop.certificates.tests.test_public import product

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))
from load import Server

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only"),
]
CACHE_TABLE = "ocop_shared_cache"


class Browser:
    """A visitor with cookies, sending forms with their CSRF token, to any of the servers."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def get(self, server, path):
        return self._open(urllib.request.Request(server.base_url + path))

    def post(self, server, path, data):
        page = self.get(server, path if "report" not in path else path.rsplit("/", 1)[0])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page[1]).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(
            server.base_url + path, data=body, headers={"Referer": server.base_url + path}
        )
        return self._open(request)

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def servers(settings, reference_data):
    """Two gunicorn servers (one worker each) on the test database and the shared cache."""
    call_command("createcachetable", CACHE_TABLE, verbosity=0)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
        }
    }
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        # The test settings but for the database, the cache and the task queue: unhashed
        # static files, so that no collectstatic is needed.
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": url,
        "CACHE_URL": f"db://{CACHE_TABLE}",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "SCAN_FLUSH_VISITS": "3",
        "SCAN_FLUSH_SECONDS": "3600",
        "CONN_MAX_AGE": "0",
    }
    started = [Server(env=env, workers=1), Server(env=env, workers=1)]
    try:
        for server in started:
            server.wait_ready()
        yield started
    finally:
        for server in started:
            server.stop()
        caches["default"].clear()


def test_the_login_throttle_holds_across_servers(servers):
    a, b = servers
    officer = commune_officer(username="muongang-officer")
    visitor = Browser()
    for attempt in range(5):
        status, _ = visitor.post(
            (a, b)[attempt % 2],
            "/accounts/login/",
            {"username": officer.username, "password": "wrong"},
        )
    assert status == 429  # the fifth failure, on either server, starts the pause
    for server in servers:
        status, page = visitor.post(
            server, "/accounts/login/", {"username": officer.username, "password": PASSWORD}
        )
        assert status == 429, page[:200]


def test_a_session_opened_on_one_server_is_valid_on_the_other(servers):
    a, b = servers
    officer = commune_officer(username="dienbien-officer")
    visitor = Browser()
    status, _ = visitor.post(
        a, "/accounts/login/", {"username": officer.username, "password": PASSWORD}
    )
    assert status == 302
    assert visitor.get(b, "/accounts/home/")[0] == 200


def test_the_problem_report_cap_holds_across_servers(servers):
    a, b = servers
    certificate = historical_certificate(
        province_officer("11"), product("Cà phê Mường Ảng (mẫu)"), issued_on=TODAY
    )
    visitor = Browser()
    path = f"/v/{certificate.public_code}/report"
    report = {"kind": "other", "message": "Tem mờ, không quét được (mẫu)"}
    statuses = [visitor.post((a, b)[n % 2], path, report)[0] for n in range(reports_per_hour() + 1)]
    assert statuses[:-1] == [302] * reports_per_hour()
    assert statuses[-1] == 429


def test_statistics_and_scan_counts_hold_across_servers(servers, settings):
    a, b = servers
    officer = province_officer("11")
    certificate = historical_certificate(officer, product("Gạo Điện Biên (mẫu)"), issued_on=TODAY)
    visitor = Browser()
    call_command("reconcile_stats", verbosity=0)
    before = visitor.get(a, "/open-data/summary.json")[1]
    assert visitor.get(b, "/open-data/summary.json")[1] == before
    assert '"products": 1' in before

    today = timezone.localdate()
    revoke_certificate(
        certificate,
        actor=officer,
        ground=RevocationGround.MARK_MISUSE,
        decision_number="77/QĐ-UBND (mẫu)",
        decided_on=today,
        finding_on=today,
    )
    for server in servers:
        assert '"products": 0' in visitor.get(server, "/open-data/summary.json")[1]

    for n in range(7):  # 4 visits on a, 3 on b; each server flushes every 3 visits
        anonymous = Browser()
        assert anonymous.get((a, b)[n % 2], f"/v/{certificate.public_code}")[0] == 200
    for server in servers:
        server.stop()  # a server that stops flushes what it holds
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert Certificate.objects.get(pk=certificate.pk).scan_count == 7
