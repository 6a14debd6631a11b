"""A published rubric version cannot change, through any path of the ORM."""

import datetime
import json

import pytest
from django.db import IntegrityError, transaction
from django.test import TestCase

from ocop.rubric.converter.corrections import CORRECTIONS
from ocop.rubric.engine import DATA_DIR, load_version
from ocop.rubric.models import Criterion, Option, PublishedVersionError, RubricVersion, Sheet
from ocop.rubric.tests.factories import TOY_SLUG, load_toy_version

pytestmark = pytest.mark.usefixtures("english")


def snapshot():
    """Every rubric row's content, to prove that nothing changed."""
    return (
        list(RubricVersion.objects.order_by("pk").values()),
        list(Sheet.objects.order_by("pk").values()),
        list(Criterion.objects.order_by("pk").values()),
        list(Option.objects.order_by("pk").values()),
    )


class PublishedVersionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # Loaded by the data migration 0002 in every database.
        cls.version = RubricVersion.objects.get(slug="26-2026")
        cls.sheet = cls.version.sheets.get(number=1)
        cls.criterion = cls.sheet.criteria.get(code="1.1")
        cls.option = cls.criterion.options.get(number=1)

    def setUp(self):
        self.before = snapshot()

    def assert_refused(self, change):
        with self.assertRaisesMessage(PublishedVersionError, "26/2026 is published"):
            change()
        self.assertEqual(snapshot(), self.before)

    def test_the_migration_publishes_26_2026_with_its_dates_and_parts(self):
        version = self.version
        self.assertEqual(version.status, RubricVersion.Status.PUBLISHED)
        self.assertIsNotNone(version.published_at)
        self.assertEqual((version.code, version.instrument), ("26/2026", "26/2026/QĐ-TTg"))
        self.assertEqual(version.signed_on, datetime.date(2026, 5, 22))
        self.assertEqual(version.effective_from, datetime.date(2026, 5, 22))
        self.assertIsNone(version.effective_to)
        self.assertEqual(version.part_maxima, {"A": 40, "B": 25, "C": 35})
        self.assertEqual(version.corrections, load_version()["corrections"])
        self.assertEqual(len(version.corrections), len(CORRECTIONS))

    def test_every_sheet_has_the_criteria_and_options_of_its_file(self):
        counts = {
            sheet.number: (
                sheet.criteria.filter(kind="heading").count(),
                sheet.criteria.exclude(kind="heading").count(),
                sheet.criteria.filter(kind="yes_no").count(),
                Option.objects.filter(criterion__sheet=sheet).count(),
            )
            for sheet in self.version.sheets.all()
        }
        expected = {}
        for number in range(1, 27):
            data = json.loads((DATA_DIR / "26-2026" / f"sheet-{number:02d}.json").read_text())
            nodes = list(_walk(node for part in data["parts"] for node in part["children"]))
            expected[number] = (
                sum(n["kind"] == "heading" for n in nodes),
                sum(n["kind"] == "criterion" for n in nodes),
                sum(bool(n.get("is_yes_no")) for n in nodes),
                sum(len(n.get("options", [])) for n in nodes),
            )
        self.assertEqual(counts, expected)
        self.assertEqual(sum(c[1] for c in counts.values()), 787)
        self.assertEqual(sum(c[3] for c in counts.values()), 2579)

    def test_tea_sheet_keeps_its_headings_and_parents(self):
        tea = self.version.sheets.get(number=11)
        impurities = tea.criteria.get(code="6.1.1")
        self.assertEqual(impurities.parent.code, "6.1")
        self.assertEqual(impurities.parent.parent.code, "6")
        self.assertTrue(impurities.parent.is_heading)
        self.assertEqual(impurities.stop_trigger, Criterion.StopTrigger.FLAG)
        self.assertEqual(list(impurities.options.values_list("points", flat=True)), [0, 1, 2])
        self.assertEqual(
            list(tea.criteria.answerable().filter(parent=None).values_list("code", flat=True)),
            ["7", "8", "9", "10", "11"],
        )

    def test_saving_a_changed_published_version_is_refused(self):
        self.version.title_vi = "Sửa đổi"
        self.assert_refused(self.version.save)

    def test_unpublishing_a_version_is_refused(self):
        self.version.status = RubricVersion.Status.DRAFT
        self.version.published_at = None
        self.assert_refused(self.version.save)
        self.assert_refused(
            lambda: RubricVersion.objects.filter(pk=self.version.pk).update(status="draft")
        )

    def test_saving_a_sheet_criterion_or_option_of_a_published_version_is_refused(self):
        self.sheet.name_vi = "Khác"
        self.assert_refused(self.sheet.save)
        self.criterion.max_points = 4
        self.assert_refused(self.criterion.save)
        self.option.points = 3
        self.assert_refused(self.option.save)

    def test_adding_rows_to_a_published_version_is_refused(self):
        self.assert_refused(
            lambda: Option.objects.create(
                criterion=self.criterion, number=9, text_vi="Thêm", points=1
            )
        )
        self.assert_refused(
            lambda: Option.objects.bulk_create(
                [Option(criterion=self.criterion, number=9, text_vi="Thêm", points=1)]
            )
        )
        self.assert_refused(
            lambda: Sheet.objects.create(
                version=self.version, number=27, name_vi="Thêm", max_points=100
            )
        )

    def test_moving_a_row_out_of_a_published_version_is_refused(self):
        draft = load_toy_version(publish=False)
        self.before = snapshot()
        self.sheet.version = draft
        self.assert_refused(self.sheet.save)

    def test_queryset_update_is_refused(self):
        self.assert_refused(lambda: Option.objects.filter(pk=self.option.pk).update(points=3))
        self.assert_refused(lambda: self.sheet.criteria.update(max_points=0))
        self.assert_refused(lambda: Sheet.objects.update(name_vi="Khác"))
        self.option.points = 3
        self.assert_refused(lambda: Option.objects.bulk_update([self.option], ["points"]))

    def test_deleting_published_rows_is_refused(self):
        self.assert_refused(self.option.delete)
        self.assert_refused(self.criterion.delete)
        self.assert_refused(self.sheet.delete)
        self.assert_refused(self.version.delete)
        self.assert_refused(lambda: Option.objects.filter(criterion=self.criterion).delete())
        self.assert_refused(lambda: RubricVersion.objects.all().delete())

    def test_creating_a_version_directly_as_published_is_refused(self):
        version = RubricVersion(
            slug="1-2030",
            code="1/2030",
            instrument="1/2030/QĐ-TTg",
            title_vi="Thử",
            signed_on=datetime.date(2030, 1, 1),
            effective_from=datetime.date(2030, 1, 1),
            part_a_points=40,
            part_b_points=25,
            part_c_points=35,
            status=RubricVersion.Status.PUBLISHED,
        )
        with self.assertRaisesMessage(PublishedVersionError, "created as a draft"):
            version.save()
        self.assertEqual(snapshot(), self.before)


class DraftVersionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.draft = load_toy_version(publish=False)

    def test_a_draft_can_be_edited_and_deleted(self):
        option = Option.objects.get(
            criterion__sheet__version=self.draft, criterion__code="1.1", number=2
        )
        option.text_vi = "Tự sản xuất phần lớn"
        option.save()
        Option.objects.filter(pk=option.pk).update(points=6)
        option.refresh_from_db()
        self.assertEqual((option.text_vi, option.points), ("Tự sản xuất phần lớn", 6))
        self.draft.delete()
        self.assertFalse(RubricVersion.objects.filter(slug=TOY_SLUG).exists())
        self.assertFalse(Sheet.objects.filter(version__slug=TOY_SLUG).exists())
        # The published version beside it is untouched.
        self.assertEqual(Sheet.objects.filter(version__slug="26-2026").count(), 26)

    def test_the_database_refuses_an_invalid_star_mark_or_parts_total(self):
        option = Option.objects.filter(criterion__sheet__version=self.draft).first()
        with self.assertRaises(IntegrityError), transaction.atomic():
            Option.objects.filter(pk=option.pk).update(star_minimum=2)
        with self.assertRaises(IntegrityError), transaction.atomic():
            RubricVersion.objects.filter(pk=self.draft.pk).update(part_a_points=36)
        with self.assertRaises(IntegrityError), transaction.atomic():
            RubricVersion.objects.filter(pk=self.draft.pk).update(
                status=RubricVersion.Status.PUBLISHED
            )  # published without a publication time
        with self.assertRaises(IntegrityError), transaction.atomic():
            Criterion.objects.filter(sheet__version=self.draft, code="1.2").update(code="1.1")


class VersionsInForceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.toy = load_toy_version()  # in force 2099-02-01 .. 2099-12-31

    def test_versions_in_force_on_a_day_newest_first(self):
        def codes(day):
            return list(RubricVersion.objects.in_force_on(day).values_list("code", flat=True))

        self.assertEqual(codes(datetime.date(2026, 5, 21)), [])
        self.assertEqual(codes(datetime.date(2026, 5, 22)), ["26/2026"])
        self.assertEqual(codes(datetime.date(2099, 2, 1)), ["99/2099", "26/2026"])
        self.assertEqual(codes(datetime.date(2099, 12, 31)), ["99/2099", "26/2026"])
        self.assertEqual(codes(datetime.date(2100, 1, 1)), ["26/2026"])


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.get("children", []))
