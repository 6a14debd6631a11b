"""`manage.py score_sheet --set N FILE.json [--rubric 26/2026]`: the interface the acceptance
checks use. The answer files are the hand-checked cases of test_engine.py (sheets 1, 11, 13
and 26) and of the small second version. The command reads the data files only, so these
tests run without a database (SimpleTestCase refuses any query)."""

import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, override_settings

from ocop.rubric.tests.factories import TOY_CODE, TOY_DATA_DIR, TOY_SLUG
from ocop.rubric.tests.test_engine import (
    SHEET_1_FOUR_STARS,
    SHEET_11_FIVE_STARS,
    SHEET_13_THREE_STARS,
    SHEET_26_NINETY,
)

NO_UNMET = {"3": [], "4": [], "5": []}


class CommandTestCase(SimpleTestCase):
    def setUp(self):
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def write(self, content, name="answers.json") -> str:
        path = self.folder / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        return str(path)

    def score(self, content, *args, **options) -> dict:
        out = io.StringIO()
        call_command("score_sheet", self.write(content), *args, stdout=out, **options)
        lines = out.getvalue().splitlines()
        self.assertEqual(len(lines), 1)  # one JSON object, nothing else
        return json.loads(lines[0])

    def assert_error(self, content, message, *args, **options):
        out = io.StringIO()
        with self.assertRaisesMessage(CommandError, message):
            call_command("score_sheet", self.write(content), *args, stdout=out, **options)
        self.assertEqual(out.getvalue(), "")


class ScoreSheetOutputTests(CommandTestCase):
    def test_sheet_1_four_stars_at_exactly_70(self):
        self.assertEqual(
            self.score(SHEET_1_FOUR_STARS, "--set", "1"),
            {
                "total": 70,
                "parts": {"A": 33, "B": 19, "C": 18},
                "star": 4,
                "band_star": 4,
                "unmet_minimums": {"3": [], "4": [], "5": ["1.3", "1.5", "4.1"]},
                "knocked_out": False,
                "stopped_at": None,
            },
        )

    def test_rubric_is_26_2026_by_default_and_accepts_code_or_slug(self):
        default = self.score(SHEET_1_FOUR_STARS, set=1)
        self.assertEqual(self.score(SHEET_1_FOUR_STARS, set=1, rubric="26/2026"), default)
        self.assertEqual(self.score(SHEET_1_FOUR_STARS, set=1, rubric="26-2026"), default)

    def test_sheet_1_knock_out_and_stop_flags(self):
        knocked = self.score(SHEET_1_FOUR_STARS, set=1, knockout=["dossier"])
        self.assertEqual((knocked["knocked_out"], knocked["star"], knocked["total"]), (True, 0, 70))
        # Impurities at 6.1: 6.2..12 are not scored (-16): 54, and 9 and 10 miss ***.
        stopped = self.score(SHEET_1_FOUR_STARS, set=1, stop_at="6.1")
        self.assertEqual(stopped["stopped_at"], "6.1")
        self.assertEqual((stopped["total"], stopped["star"]), (54, 2))
        self.assertEqual(stopped["unmet_minimums"]["3"], ["9", "10"])

    def test_sheet_11_five_stars_at_exactly_90(self):
        self.assertEqual(
            self.score(SHEET_11_FIVE_STARS, set=11),
            {
                "total": 90,
                "parts": {"A": 33, "B": 22, "C": 35},
                "star": 5,
                "band_star": 5,
                "unmet_minimums": NO_UNMET,
                "knocked_out": False,
                "stopped_at": None,
            },
        )

    def test_sheet_11_council_at_89_5_is_four_stars_with_a_spread_of_1(self):
        # Member 2 ticks 1.7 option 1 (0 instead of 1): 89; the mean is 89.5.
        council = {"members": [SHEET_11_FIVE_STARS, {**SHEET_11_FIVE_STARS, "1.7": 1}]}
        self.assertEqual(
            self.score(council, set=11),
            {
                "total": 89.5,
                "parts": {"A": 32.5, "B": 22, "C": 35},
                "star": 4,
                "band_star": 4,
                "unmet_minimums": NO_UNMET,
                "knocked_out": False,
                "stopped_at": None,
                "spread": 1,
            },
        )

    def test_sheet_13_three_stars_at_exactly_50(self):
        result = self.score(SHEET_13_THREE_STARS, set=13)
        self.assertEqual(result["parts"], {"A": 23, "B": 11, "C": 16})
        self.assertEqual((result["total"], result["band_star"], result["star"]), (50, 3, 3))
        self.assertEqual(result["unmet_minimums"]["3"], [])
        self.assertNotIn("spread", result)

    def test_sheet_13_council_checks_minimums_on_the_mean_of_each_criterion(self):
        # Member 2 drops 8 (*** = option 1, 2 points) and takes 6.2.2 option 3 (+3): 51.
        # Mean 50.5 (band 3), but 8 averages 1 < 2: its *** minimum fails, so 2 stars.
        other = {**SHEET_13_THREE_STARS, "6.2.2": 3}
        del other["8"]
        self.assertEqual(
            self.score({"members": [SHEET_13_THREE_STARS, other]}, set=13),
            {
                "total": 50.5,
                "parts": {"A": 23, "B": 11, "C": 16.5},
                "star": 2,
                "band_star": 3,
                # **** and *****: the criteria left unanswered (1.5, 1.6, 2.1, 3.4, 5.1, 7)
                # or answered at their *** option (2.3, 3.5, 4.1, 9).
                "unmet_minimums": {
                    "3": ["8"],
                    "4": ["1.5", "1.6", "2.1", "2.3", "3.4", "3.5", "4.1", "5.1", "7", "9"],
                    "5": ["1.5", "4.1", "7"],
                },
                "knocked_out": False,
                "stopped_at": None,
                "spread": 1,
            },
        )

    def test_sheet_26_bands_alone_and_cases_numbered_across(self):
        self.assertEqual(
            self.score(SHEET_26_NINETY, set=26),
            {
                "total": 90,
                "parts": {"A": 30, "B": 25, "C": 35},
                "star": 5,
                "band_star": 5,
                "unmet_minimums": NO_UNMET,
                "knocked_out": False,
                "stopped_at": None,
            },
        )
        # 8: case 1 = options 1 (1 point), 2 (3); case 2 = options 3 (1), 4 (3).
        self.assertEqual(self.score({"8": 3}, set=26)["total"], 1)
        self.assertEqual(self.score({"8": 4}, set=26)["total"], 3)

    def test_unanswered_criteria_score_zero_and_yes_no_is_option_2(self):
        empty = self.score({}, set=1)
        self.assertEqual((empty["total"], empty["star"], empty["band_star"]), (0, 1, 1))
        # 2.4 bilingual label: option 1 = no (0), option 2 = yes (1 point).
        self.assertEqual(self.score({"2.4": 1}, set=1)["total"], 0)
        self.assertEqual(self.score({"2.4": 2}, set=1)["total"], 1)


@override_settings(RUBRIC_DATA_DIRS=[TOY_DATA_DIR])
class SecondVersionCommandTests(CommandTestCase):
    # Toy sheet 1 (A 35, B 25, C 40): 1.1 opt3 10 (***, ****), 1.2 yes 10, 2 opt2 10
    # (***** is option 3): A 30; 3.1 opt4 15 (case b), 3.2 yes 10 (applies): B 25;
    # 4.1 opt2 10 (***), 4.2 opt3 20 (****): C 30. Total 85: 4 stars.
    ANSWERS = {"1.1": 3, "1.2": 2, "2": 2, "3.1": 4, "3.2": 2, "4.1": 2, "4.2": 3}

    def test_the_second_version_is_scored_by_code_or_slug(self):
        expected = {
            "total": 85,
            "parts": {"A": 30, "B": 25, "C": 30},
            "star": 4,
            "band_star": 4,
            "unmet_minimums": {"3": [], "4": [], "5": ["2"]},
            "knocked_out": False,
            "stopped_at": None,
        }
        self.assertEqual(self.score(self.ANSWERS, set=1, rubric=TOY_CODE), expected)
        self.assertEqual(self.score(self.ANSWERS, set=1, rubric=TOY_SLUG), expected)

    def test_its_condition_and_sheet_count_are_its_own(self):
        # 3.1 option 1 "Bán tại chỗ" (5) makes 3.2 not applicable (0): B = 5, total 65.
        result = self.score({**self.ANSWERS, "3.1": 1}, set=1, rubric=TOY_CODE)
        self.assertEqual((result["parts"]["B"], result["total"], result["star"]), (5, 65, 3))
        self.assert_error(
            {}, "Rubric 99/2099 has no sheet 3 (its sheets are 1 to 2)", set=3, rubric=TOY_CODE
        )
        # The same answers mean something else on 26/2026's sheet 1: 3.2 there has 2 options.
        self.assertEqual(self.score({"3.2": 2}, set=1)["total"], 1)


class ScoreSheetErrorTests(CommandTestCase):
    def test_unknown_set(self):
        self.assert_error({}, "Rubric 26/2026 has no sheet 27 (its sheets are 1 to 26)", set=27)
        self.assert_error({}, "không có phiếu số 0", set=0)

    def test_unknown_rubric(self):
        self.assert_error(
            {}, "Unknown rubric version 1048/2019 (available: 26/2026)", set=1, rubric="1048/2019"
        )

    def test_bad_json(self):
        self.assert_error('{"1.1": 3,', "is not valid JSON (line 1, column 11", set=1)
        self.assert_error("", "không phải JSON hợp lệ", set=1)

    def test_file_that_is_not_an_object(self):
        self.assert_error([1, 2], "The answer file must be a JSON object", set=1)
        self.assert_error("3", "Tệp trả lời phải là một đối tượng JSON", set=1)

    def test_unknown_code(self):
        self.assert_error({"6.1.9": 1}, "Sheet 11 has no criterion with the code 6.1.9", set=11)
        self.assert_error({"1.1.": 1}, "Phiếu số 1 không có tiêu chí mã 1.1.", set=1)

    def test_heading_code(self):
        for heading in ("6", "6.1"):
            with self.subTest(heading=heading):
                self.assert_error(
                    {heading: 1}, f"{heading} is a heading and cannot be answered", set=11
                )

    def test_option_out_of_range(self):
        self.assert_error({"6.2.3": 5}, "Criterion 6.2.3 has options 1 to 4; 5 is not", set=11)
        self.assert_error({"6.2.3": 0}, "Tiêu chí 6.2.3 chỉ có các lựa chọn từ 1 đến 4", set=11)
        self.assert_error({"2.4": 3}, "Criterion 2.4 has options 1 to 2", set=1)

    def test_option_that_is_not_a_whole_number(self):
        for bad in ("2", 1.5, 2.0, True, None, [1]):
            with self.subTest(option=bad):
                self.assert_error({"1.1": bad}, "Criterion 1.1 has options 1 to 3", set=1)

    def test_duplicate_code(self):
        self.assert_error('{"1.1": 3, "1.1": 2}', "The code 1.1 appears twice", set=1)

    def test_council_members_must_be_a_non_empty_list_of_objects(self):
        message = '"members" must be a non-empty list'
        self.assert_error({"members": {"1.1": 3}}, message, set=1)
        self.assert_error({"members": []}, message, set=1)
        self.assert_error(
            {"members": [{}, 3]}, "The sheet of member 2 must be a JSON object", set=1
        )
        self.assert_error({"members": [{}], "1.1": 3}, 'A council file holds only "members"', set=1)

    def test_council_error_names_the_member(self):
        self.assert_error(
            {"members": [{"1.1": 1}, {"1.1": 9}]},
            "Sheet of member 2: Criterion 1.1 has options 1 to 3",
            set=1,
        )

    def test_unknown_knock_out_or_stop(self):
        self.assert_error(
            {}, "Sheet 26 has no knock-out rule dossier", set=26, knockout=["dossier"]
        )
        self.assert_error({}, "has no note that stops the scoring", set=1, stop_at="7")

    def test_missing_file(self):
        out = io.StringIO()
        missing = str(self.folder / "missing.json")
        with self.assertRaisesMessage(CommandError, f"File not found: {missing}"):
            call_command("score_sheet", missing, set=1, stdout=out)
        self.assertEqual(out.getvalue(), "")

    def test_missing_or_non_integer_set(self):
        with self.assertRaisesMessage(CommandError, "--set"):
            call_command("score_sheet", self.write({}), stdout=io.StringIO())
        with self.assertRaisesMessage(CommandError, "invalid int value: 'x'"):
            call_command("score_sheet", self.write({}), "--set", "x", stdout=io.StringIO())


class ScoreSheetProcessTests(CommandTestCase):
    """The exit status as the acceptance checks see it (no database needed)."""

    def run_command(self, *args):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
        return subprocess.run(
            [sys.executable, "manage.py", "score_sheet", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def test_exit_status_is_zero_with_json_on_success_and_non_zero_on_error(self):
        good = self.run_command("--set", "1", self.write(SHEET_1_FOUR_STARS))
        self.assertEqual(good.returncode, 0, good.stderr)
        self.assertEqual(json.loads(good.stdout)["total"], 70)
        bad = self.run_command("--set", "11", self.write({"6.1": 2}), "--rubric", "26/2026")
        self.assertNotEqual(bad.returncode, 0)
        self.assertEqual(bad.stdout, "")
        self.assertIn("6.1 is a heading and cannot be answered", bad.stderr)
        self.assertIn("Mục 6.1 là đề mục", bad.stderr)
