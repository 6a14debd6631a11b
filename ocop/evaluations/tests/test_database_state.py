"""The "nothing changed" snapshot of refusal tests compares whole rows (issue 16): an in-place
edit that keeps every count passes a count comparison, not this one."""

from django.test import TestCase

from ocop.regions.tests.factories import province

from ..models import CouncilMember
from .factories import database_state, make_cast, make_panel


class DatabaseStateTests(TestCase):
    def test_an_in_place_edit_of_a_council_seat_changes_the_state(self):
        cast = make_cast()
        panel = make_panel(organiser=cast.province_officer, province=province("11"))
        before = database_state()
        seat = CouncilMember.objects.filter(council=panel.council, role="member").first()
        CouncilMember.objects.filter(pk=seat.pk).update(role="adviser")
        after = database_state()
        self.assertEqual(
            {name: len(rows) for name, rows in before.items()},
            {name: len(rows) for name, rows in after.items()},
        )
        self.assertNotEqual(before, after)
        self.assertNotEqual(before["CouncilMember"], after["CouncilMember"])
