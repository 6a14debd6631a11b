"""The certificates app is grouped by concern (recognition, expiry, control; see
docs/architecture.md), and its services import downwards only: recognition's models and
services need neither expiry nor control, expiry needs no control. Pages may combine the
concerns (the verification page shows control's problem-report form), so views and URL modules
are not held to it. Every import between the app's modules sits at the top of its module."""

import ast
from pathlib import Path

from django.test import SimpleTestCase

APP = Path(__file__).resolve().parent.parent
PAGES = {"views.py", "public_views.py", "historical.py", "urls.py", "public_urls.py"}
# Folder -> the folders of the app its non-page modules must not import.
FORBIDDEN = {"recognition": {"expiry", "control"}, "expiry": {"control"}}


def app_imports(path):
    """(imported module inside ocop.certificates, is at the top of the file) for ``path``."""
    tree = ast.parse(path.read_text())
    package = ["ocop", "certificates", *path.relative_to(APP).parent.parts]
    top_level = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package[: len(package) - (node.level - 1)]
            module = ".".join([*base, *([node.module] if node.module else [])])
        else:
            module = node.module or ""
        names = [f"{module}.{alias.name}" for alias in node.names] if not node.module else [module]
        for name in names:
            if name.startswith("ocop.certificates."):
                yield name, id(node) in top_level


def modules():
    for path in sorted(APP.rglob("*.py")):
        if path.relative_to(APP).parts[0] not in ("tests", "migrations"):
            yield path


class LayerTests(SimpleTestCase):
    def test_services_import_downwards_between_the_concerns(self):
        problems = []
        for path in modules():
            folder = path.relative_to(APP).parts[0]
            if path.name in PAGES or folder not in FORBIDDEN:
                continue
            for module, _at_top in app_imports(path):
                if module.split(".")[2] in FORBIDDEN[folder]:
                    problems.append(f"{path.relative_to(APP)} imports {module}")
        self.assertEqual(problems, [])

    def test_the_app_imports_its_own_modules_at_the_top(self):
        """apps.py aside: ``AppConfig.ready`` imports once the models are loaded, as Django
        requires."""
        problems = [
            f"{path.relative_to(APP)} imports {module} inside a function"
            for path in modules()
            if path.name != "apps.py"
            for module, at_top in app_imports(path)
            if not at_top
        ]
        self.assertEqual(problems, [])
