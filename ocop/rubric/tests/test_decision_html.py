"""The checks of the data against the decision's HTML never pass unseen under CI: without the
HTML they skip on a developer's machine and fail when ``CI`` is set."""

from pathlib import Path

import pytest

from ocop.rubric.tests.decision import DEFAULT_DECISION_HTML, decision_html_path, read_decision_html

TESTS_ROOT = Path(__file__).resolve().parents[2]  # ocop/


def test_a_missing_html_fails_under_ci_and_names_where_it_is_expected(monkeypatch, tmp_path):
    missing = tmp_path / "qd.html"
    monkeypatch.setenv("OCOP_DECISION_HTML", str(missing))
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception) as raised:
        read_decision_html()
    message = str(raised.value)
    assert f"the decision's HTML is not at {missing}" in message
    assert "OCOP_DECISION_HTML" in message and "CI must check the data against it" in message


def test_a_missing_html_skips_outside_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("OCOP_DECISION_HTML", str(tmp_path / "qd.html"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="the decision's HTML is not at"):
        read_decision_html()
    monkeypatch.setenv("CI", "")  # set but empty: not CI
    with pytest.raises(pytest.skip.Exception):
        read_decision_html()


def test_the_html_is_read_from_ocop_decision_html_or_beside_the_repository(monkeypatch, tmp_path):
    source = tmp_path / "qd.html"
    source.write_text("<p>Quyết định</p>", encoding="utf-8")
    monkeypatch.setenv("OCOP_DECISION_HTML", str(source))
    monkeypatch.setenv("CI", "1")
    assert read_decision_html() == "<p>Quyết định</p>"
    monkeypatch.delenv("OCOP_DECISION_HTML")
    assert decision_html_path() == DEFAULT_DECISION_HTML
    assert DEFAULT_DECISION_HTML.parts[-3:] == ("shared", "reference", "qd-26-2026-qd-ttg.html")
    assert DEFAULT_DECISION_HTML.parent.parent.parent == TESTS_ROOT.parent.parent


def test_no_test_finds_the_html_on_its_own():
    """Every test that needs the HTML goes through ``read_decision_html`` (no ``skipif`` of
    its own that CI would silently honour)."""
    offenders = [
        str(path.relative_to(TESTS_ROOT))
        for path in sorted(TESTS_ROOT.rglob("test*.py"))
        if path != Path(__file__).resolve()
        and any(
            needle in path.read_text(encoding="utf-8")
            for needle in ("qd-26-2026-qd-ttg", "OCOP_DECISION_HTML", "DECISION_HTML")
        )
    ]
    assert offenders == []
