"""Every page, as every demo role, on a phone and on a desktop (issue 15).

The demo is loaded as `manage.py seed_demo` loads it; a visitor and one demo account per role
(from the demo's data file) each start from their start page and follow the same-origin links
they are shown, so a page is covered the day a link to it is added. Only links are followed
(GET): no form is sent, and downloads, the admin and the language switch are left out. A URL
pattern (`django.urls.resolve`) is visited at most `PER_PATTERN` times per role, e.g. two
dossiers, not all of them (once for a public page the visitor has checked already: only the
header differs), and each role at most `MAX_PAGES` pages. A link to a PDF (the printable
forms, the certificate) is not opened as a page: it is fetched once per URL pattern and role,
and must answer 200 with `application/pdf`.

Each page is opened at 375 px, then widened to 1280 px:
- at both widths it is no wider than the window (`scrollWidth` ≤ `innerWidth`);
- no visible text is an English message that the Vietnamese catalogue leaves untranslated
  (a msgid of ours or of Django's with no Vietnamese entry in the compiled catalogue);
- no console error, and no request fails (status ≥ 400 or a network failure)."""

import re
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import django
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.urls import Resolver404, resolve
from django.utils.translation import trans_real
from playwright.sync_api import Error as PlaywrightError

from conftest import login
from ocop.accounts.models import User
from ocop.demo.seed import DEMO_PASSWORD, read_data, seed

VIEWPORTS = ({"width": 375, "height": 740}, {"width": 1280, "height": 800})
# One instance of each URL pattern per role keeps the crawl near a minute and a half, within
# the suite's budget; 2 also tries a second dossier, product… (about twice as long).
PER_PATTERN = 1
MAX_PAGES = 100

# Links the crawl does not follow: files to download (the tests of each export check them),
# the Django admin (its own, English-first interface), and anything that is not a page.
SKIPPED_PREFIXES = ("/admin/", "/i18n/", "/static/", "/media/")
DOWNLOAD = re.compile(r"\.(xlsx|xls|csv|pdf|ics|json|zip|xml|txt|png|jpe?g|webp|svg)$")
PDF = re.compile(r"\.pdf$")
SKIPPED_VIEWS = {
    "accounts:logout",
    "producers:document_download",
    "evaluations:dossier_document",
    "imports:import_file",
    "market:photo_image",
    "market:photo_thumbnail",
    "products:photo_file",
    "products:photo_thumbnail",
}

# Visible text: text nodes, the options of a visible select, the labels of input buttons,
# placeholders and the title; whitespace collapsed. Text marked as English on purpose (the
# language switch, lang="en") is left out.
VISIBLE_TEXTS = """() => {
  const visible = (element) => element.checkVisibility({visibilityProperty: true});
  const texts = new Set();
  const add = (text) => {
    text = (text || "").replace(/\\s+/g, " ").trim();
    if (text) texts.add(text);
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || ["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT"].includes(parent.tagName)) continue;
    const select = parent.closest("select");
    if (parent.closest("[lang]")?.lang === "en") continue;
    if (visible(select || parent)) add(node.data);
  }
  for (const input of document.querySelectorAll("input, textarea")) {
    if (!visible(input)) continue;
    add(input.placeholder);
    if (["submit", "button", "reset"].includes(input.type)) add(input.value);
  }
  for (const part of document.title.split(" · ")) add(part);
  return [...texts];
}"""

# The outermost elements that reach past the window's right edge: the ones to fix.
WIDE_ELEMENTS = """() => {
  const wide = [...document.body.querySelectorAll("*")].filter(
    (element) => element.getBoundingClientRect().right > window.innerWidth + 0.5
      && element.checkVisibility()
  );
  return wide.filter((element) => !wide.includes(element.parentElement)).slice(0, 3).map(
    (element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
      + [...element.classList].map((name) => "." + name).join("")
      + " " + Math.round(element.getBoundingClientRect().right) + " px"
  );
}"""

# htmx answers (e.g. a product's certificates) land after the load event.
HTMX_SETTLED = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"

LINKS = """() => [...document.querySelectorAll("a[href]")]
  .filter((link) => !link.hasAttribute("download"))
  .map((link) => link.href)"""


def demo_roles():
    """A visitor, then the first demo account of each role in the data file (council seats
    count as roles of their own: the chair sees what a member does not)."""
    roles = {"visitor": None}
    for row in read_data()["users"]:
        role = row["role"] if row["role"] != "council_member" else f"council {row['scope']}"
        roles.setdefault(role, row["username"])
    return roles


# The translation catalogue --------------------------------------------------------------------


def _unquote(text):
    replacements = {"\\n": "\n", "\\t": "\t", '\\"': '"', "\\\\": "\\"}
    return re.sub(r'\\[nt"\\]', lambda match: replacements[match.group()], text)


def po_entries(path):
    """Yield (context, msgid, msgid_plural) for each entry of a .po file, obsolete ones left out."""
    for block in Path(path).read_text(encoding="utf-8").split("\n\n"):
        fields, key = {}, None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = _unquote(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += _unquote(line[1:-1])
            elif not line.startswith("#"):
                key = None
        if fields.get("msgid"):
            yield fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural")


def catalogue_sources():
    """Our Vietnamese catalogue, and the English catalogues of Django and of its installed apps
    (which list every message they may show, e.g. a blank choice's label)."""
    yield Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    yield Path(django.__file__).parent / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po"
    for config in apps.get_app_configs():
        path = Path(config.path) / "locale" / "en" / "LC_MESSAGES" / "django.po"
        if path.exists():
            yield path


def untranslated_messages():
    """The messages that the Vietnamese interface would show in English: a msgid (or plural
    msgid) none of whose entries has a translation in the compiled Vietnamese catalogue."""
    catalogue = trans_real.translation("vi")._catalog
    translated, untranslated = set(), set()
    for path in catalogue_sources():
        for context, msgid, plural in po_entries(path):
            key = f"{context}\x04{msgid}" if context else msgid
            found = key in catalogue or (key, 0) in catalogue
            for text in filter(None, (msgid, plural)):
                (translated if found else untranslated).add(text)
    return untranslated - translated


# The crawl ------------------------------------------------------------------------------------


class Crawl:
    """Visit the pages one role can reach by links; collect what fails, page by page."""

    def __init__(self, page, origin, role, english, failures, checked=frozenset()):
        self.page, self.origin, self.role, self.english = page, origin, role, english
        self.failures = failures  # message → the pages (role and path) where it was seen
        self.checked = checked  # patterns another role has checked: one page each is enough
        self.visited, self.events, self.per_pattern = [], [], Counter()
        page.on("console", self._console)
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _console(self, message):
        if message.type == "error":
            self.events.append(f"console error: {message.text}")

    def _request_failed(self, request):
        if request.failure == "net::ERR_ABORTED":
            return  # cancelled by the browser itself, e.g. the favicon when the crawl moves on
        self.events.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response):
        if response.status >= 400:
            self.events.append(f"HTTP {response.status}: {response.url}")

    def fail(self, path, message):
        self.failures.setdefault(message, []).append(f"{self.role} {path}")

    def pattern(self, url):
        """The URL pattern of a same-origin page worth visiting, or None."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin != self.origin or parts.path.startswith(SKIPPED_PREFIXES):
            return None
        if DOWNLOAD.search(parts.path):
            return None
        try:
            view_name = resolve(parts.path).view_name
        except Resolver404:
            return parts.path  # a link to nowhere: visited, and its 404 fails
        return None if view_name in SKIPPED_VIEWS else view_name

    def pdf_pattern(self, url):
        """The URL pattern of a same-origin link to a PDF, or None."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin or not PDF.search(parts.path):
            return None
        try:
            return f"pdf {resolve(parts.path).view_name}"
        except Resolver404:
            return f"pdf {parts.path}"  # a link to nowhere: fetched, and its 404 fails

    def check_pdf(self, url):
        """A PDF link the role is shown answers 200 with a PDF."""
        response = self.page.request.get(url)
        content_type = response.headers.get("content-type", "")
        if response.status != 200 or content_type != "application/pdf":
            path = url.removeprefix(self.origin)
            self.fail(path, f"PDF link answers {response.status} {content_type}")

    def run(self, start):
        queue, queued, per_pattern = deque([start]), {start}, self.per_pattern
        while queue and len(self.visited) < MAX_PAGES:
            url = queue.popleft()
            self.visited.append(url)
            for link in self.check(url):
                link = urlunsplit(urlsplit(link)._replace(fragment=""))
                pdf = self.pdf_pattern(link)
                if pdf and per_pattern[pdf] < PER_PATTERN:
                    per_pattern[pdf] += 1
                    self.check_pdf(link)
                pattern = self.pattern(link)
                limit = 1 if pattern in self.checked else PER_PATTERN
                if pattern and link not in queued and per_pattern[pattern] < limit:
                    per_pattern[pattern] += 1
                    queued.add(link)
                    queue.append(link)

    def check(self, url):
        """Open one page at each viewport; return the links it shows."""
        page = self.page
        self.events.clear()
        page.set_viewport_size(VIEWPORTS[0])
        try:
            response = page.goto(url)
        except PlaywrightError as error:  # e.g. a download with no file extension
            self.fail(url.removeprefix(self.origin), error.message.splitlines()[0])
            return []
        path = page.url.removeprefix(self.origin)  # where any redirect led
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            self.fail(path, "not an HTML page: add it to SKIPPED_VIEWS")
            return []
        try:
            page.wait_for_function(HTMX_SETTLED)
        except PlaywrightError:
            self.fail(path, "an htmx request is still running after 15 s")
        for viewport in VIEWPORTS:
            page.set_viewport_size(viewport)
            width, window = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            if width > window:
                wide = ", ".join(page.evaluate(WIDE_ELEMENTS))
                self.fail(path, f"{width} px wide in a {window} px window: {wide}")
        texts = page.evaluate(VISIBLE_TEXTS)  # at 1280 px: the phone's menu is folded away
        english = sorted(
            text for text in texts if text in self.english or text.rstrip(" :*") in self.english
        )
        if english:
            self.fail(path, f"English in the Vietnamese interface: {english}")
        for event in dict.fromkeys(self.events):
            self.fail(path, event)
        return page.evaluate(LINKS)


def test_the_catalogue_check_finds_what_vietnamese_leaves_in_english():
    english = untranslated_messages()
    assert "Enabled" in english  # Django's, not translated by its Vietnamese catalogue
    assert "Log out" not in english  # ours, translated
    assert "- Select an option -" not in english  # Django's, translated in ours


@pytest.mark.browser
@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="what it checks (layout, language, errors) does not depend on the database: run "
    "once, on SQLite",
)
@pytest.mark.django_db(transaction=True)
def test_every_page_as_every_demo_role_fits_a_phone_is_vietnamese_and_loads_cleanly(
    browser, live_server, reference_data
):
    seed()
    roles = demo_roles()
    # The demo's password hash uses Django's default hasher, which the test settings replace
    # by a fast one: the same password, hashed the fast way.
    User.objects.filter(username__in=roles.values()).update(password=make_password(DEMO_PASSWORD))
    english = untranslated_messages()

    failures, pages, public = {}, {}, frozenset()
    for role, username in roles.items():
        context = browser.new_context(base_url=live_server.url, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        if username:
            login(page, username, DEMO_PASSWORD)
        crawl = Crawl(page, live_server.url, role, english, failures, checked=public)
        crawl.run(page.url if username else f"{live_server.url}/")
        context.close()
        pages[role] = len(crawl.visited)
        if not username:
            public = frozenset(crawl.per_pattern)

    # The crawl reached the back office of every account, not only its start page.
    assert all(count >= 10 for count in pages.values()), pages
    report = [
        f"{message}\n    on {', '.join(where[:3])}"
        + (f" and {len(where) - 3} more" if where[3:] else "")
        for message, where in failures.items()
    ]
    assert report == [], f"{len(report)} problems ({pages} pages by role):\n" + "\n".join(report)
