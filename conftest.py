"""Project-wide test set-up."""

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads go to a temporary folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
