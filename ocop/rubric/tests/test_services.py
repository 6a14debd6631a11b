"""Publishing a draft version and recording the end of a published one."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from ocop.accounts.tests.factories import central_officer, province_officer
from ocop.core.audit import verify_chain
from ocop.core.models import AuditEvent
from ocop.rubric.models import Option, PublishedVersionError, RubricVersion
from ocop.rubric.services import end_version, publish_version
from ocop.rubric.tests.factories import TOY_DATA_DIR, load_toy_version
from ocop.rubric.tests.test_models import snapshot
from ocop.rubric.validation import RubricValidationError

pytestmark = pytest.mark.usefixtures("english")


class PublishVersionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.central = central_officer()
        cls.province = province_officer("11")
        cls.draft = load_toy_version(publish=False)

    def publish(self, actor):
        return publish_version(self.draft, actor=actor, data_dir=TOY_DATA_DIR)

    def test_central_office_publishes_a_valid_draft_and_the_audit_log_records_it(self):
        version = self.publish(self.central)
        self.assertTrue(version.is_published)
        self.assertIsNotNone(version.published_at)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, RubricVersion.Status.PUBLISHED)
        event = AuditEvent.objects.get(action="rubric.version_published")
        self.assertEqual(event.actor, self.central)
        self.assertEqual(event.object_id, str(version.pk))
        self.assertEqual(event.changes["status"], ["draft", "published"])
        self.assertEqual(verify_chain(), [])

    def test_province_officer_cannot_publish_and_nothing_changes(self):
        before = snapshot()
        with self.assertRaises(PermissionDenied):
            self.publish(self.province)
        self.assertEqual(snapshot(), before)
        self.assertFalse(AuditEvent.objects.exists())

    def test_publishing_twice_is_refused(self):
        self.publish(self.central)
        before = snapshot()
        with self.assertRaises(PublishedVersionError):
            self.publish(self.central)
        self.assertEqual(snapshot(), before)
        self.assertEqual(AuditEvent.objects.count(), 1)

    def test_a_draft_edited_into_an_invalid_sheet_is_not_published(self):
        Option.objects.filter(
            criterion__sheet__version=self.draft, criterion__code="4.2", number=3
        ).update(points=25)
        with self.assertRaises(RubricValidationError) as raised:
            self.publish(self.central)
        self.assertIn("4.2: worth 20 but its best option gives 25", str(raised.exception))
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, RubricVersion.Status.DRAFT)
        self.assertFalse(AuditEvent.objects.exists())

    def test_a_valid_draft_that_no_longer_equals_its_files_is_not_published(self):
        # The engine scores from the files: publishing rows that differ would split the two.
        Option.objects.filter(
            criterion__sheet__version=self.draft, criterion__code="4.2", number=2
        ).update(points=5)
        with self.assertRaisesMessage(
            RubricValidationError, "options[1].points: database 5, files 10"
        ):
            self.publish(self.central)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, RubricVersion.Status.DRAFT)


class EndVersionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.central = central_officer()
        cls.version = RubricVersion.objects.get(slug="26-2026")

    def test_the_last_day_in_force_is_recorded_once_with_an_audit_event(self):
        end_version(
            self.version,
            effective_to=datetime.date(2030, 12, 31),
            actor=self.central,
            comment="Replaced by a later decision",
        )
        self.version.refresh_from_db()
        self.assertEqual(self.version.effective_to, datetime.date(2030, 12, 31))
        event = AuditEvent.objects.get(action="rubric.version_ended")
        self.assertEqual(event.changes, {"effective_to": [None, "2030-12-31"]})
        with self.assertRaisesMessage(ValidationError, "already ends on 2030-12-31"):
            end_version(self.version, effective_to=datetime.date(2031, 1, 1), actor=self.central)
        # Nor can the model be saved with another end date.
        self.version.effective_to = datetime.date(2031, 1, 1)
        with self.assertRaises(PublishedVersionError):
            self.version.save(update_fields=["effective_to"])
        self.version.refresh_from_db()
        self.assertEqual(self.version.effective_to, datetime.date(2030, 12, 31))
        self.assertEqual(AuditEvent.objects.count(), 1)

    def test_an_end_before_the_start_or_on_a_draft_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "before the version comes into force"):
            end_version(self.version, effective_to=datetime.date(2026, 5, 21), actor=None)
        draft = load_toy_version(publish=False)
        with self.assertRaisesMessage(ValidationError, "Only a published version"):
            end_version(draft, effective_to=datetime.date(2099, 3, 1), actor=None)
        self.version.refresh_from_db()
        self.assertIsNone(self.version.effective_to)
        self.assertFalse(AuditEvent.objects.exists())

    def test_province_officer_cannot_end_a_version(self):
        with self.assertRaises(PermissionDenied):
            end_version(
                self.version, effective_to=datetime.date(2030, 1, 1), actor=province_officer()
            )
        self.version.refresh_from_db()
        self.assertIsNone(self.version.effective_to)
