"""The statistics tests start with an empty cache: the version token of a rolled-back test
may come back (a class's ``setUpTestData``), and figures cached under it by an earlier test
must not be read by the next one."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_stats_cache():
    cache.clear()
    yield
    cache.clear()
