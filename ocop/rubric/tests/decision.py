"""The decision's HTML for the tests that check the data against it.

It lives outside the repository: ``../shared/reference/qd-26-2026-qd-ttg.html`` beside the
checkout, or wherever ``OCOP_DECISION_HTML`` points. Without it those tests are skipped on a
developer's machine, but they fail under CI (the ``CI`` environment variable set to any
non-empty value): a CI run that cannot see the source of truth must not pass as if it had
checked it.
"""

import os
from functools import cache
from pathlib import Path

import pytest

DEFAULT_DECISION_HTML = (
    Path(__file__).resolve().parents[3].parent / "shared/reference/qd-26-2026-qd-ttg.html"
)


def decision_html_path() -> Path:
    return Path(os.environ.get("OCOP_DECISION_HTML") or DEFAULT_DECISION_HTML)


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def read_decision_html() -> str:
    """The HTML's text; skips the calling test without it, or fails it under CI."""
    path = decision_html_path()
    if not path.is_file():
        message = (
            f"the decision's HTML is not at {path}: put Decision 26/2026/QĐ-TTg there "
            f"(default {DEFAULT_DECISION_HTML}) or point OCOP_DECISION_HTML at it"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must check the data against it", pytrace=False)
        pytest.skip(message)
    return _read(path)
