"""The import tests read the messages in English (the Vietnamese ones are checked on the
pages that show them)."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield
