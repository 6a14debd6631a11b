"""The rubric's tests need neither Django nor a database.

The project-wide ``_media_in_tmp`` fixture asks for pytest-django's ``settings``; these tests
store no uploads, so it is replaced here by a no-op. They then also run without Django at all:
``python -m pytest -p no:django ocop/rubric``.
"""

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp():
    """No uploads in the rubric's tests."""
