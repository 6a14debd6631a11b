"""The engine's tests need neither Django nor a database; the models' tests do.

The project-wide ``_media_in_tmp`` fixture asks for pytest-django's ``settings``; these tests
store no uploads, so it is replaced here by a no-op. The engine's tests (test_data,
test_engine, test_properties) then also run without Django at all:
``python -m pytest -p no:django ocop/rubric`` skips the Django-side modules below.
"""

import pytest

DJANGO_MODULES = {
    "test_admin.py",
    "test_commands.py",
    "test_loading.py",
    "test_migrations.py",
    "test_models.py",
    "test_services.py",
    "test_self_assessment_browser.py",
    "test_self_assessment_services.py",
    "test_self_assessment_views.py",
}


def pytest_ignore_collect(collection_path, config):
    if collection_path.name in DJANGO_MODULES and not config.pluginmanager.has_plugin("django"):
        return True
    return None


@pytest.fixture(autouse=True)
def _media_in_tmp():
    """No uploads in the rubric's tests."""


@pytest.fixture
def english():
    """Error texts asserted in English (the Vietnamese catalogue is tested on its own)."""
    from django.utils import translation

    with translation.override("en"):
        yield
