"""The committed data files: every sheet loads and validates, and they match the decision."""

import json
from pathlib import Path

import pytest

from ocop.rubric import converter
from ocop.rubric.converter.corrections import (
    ARITHMETIC,
    BASES,
    BLANK,
    CORRECTIONS,
    FORMATTING,
    Correction,
    check_basis,
    corrections_markdown,
)
from ocop.rubric.converter.document import ConversionError
from ocop.rubric.engine import (
    DATA_DIR,
    available_versions,
    load_classification,
    load_sheet,
    load_version,
    score_sheet,
    sheet_numbers,
)
from ocop.rubric.tests.decision import read_decision_html
from ocop.rubric.validation import (
    RubricValidationError,
    validate_or_raise,
    validate_sheet,
    validate_version,
    validate_version_or_raise,
)

VERSION_DIR = DATA_DIR / "26-2026"


@pytest.mark.parametrize("number", range(1, 27))
def test_every_sheet_loads_and_validates(number):
    data = json.loads((VERSION_DIR / f"sheet-{number:02d}.json").read_text(encoding="utf-8"))
    assert validate_sheet(data) == []
    sheet = load_sheet(number)
    assert sheet.number == number
    assert [part.max_points for part in sheet.parts] == [40, 25, 35]


def test_there_are_exactly_26_sheets():
    assert sorted(p.name for p in VERSION_DIR.glob("sheet-*.json")) == [
        f"sheet-{n:02d}.json" for n in range(1, 27)
    ]


def test_validation_reports_each_broken_rule():
    data = json.loads((VERSION_DIR / "sheet-01.json").read_text(encoding="utf-8"))
    part_a = data["parts"][0]
    group_1 = part_a["children"][0]
    group_1["max_points"] = 19  # 1 no longer equals the sum of 1.1..1.7 (18)
    group_1["children"][0]["options"][2]["points"] = 4  # 1.1 worth 3, best option now 4
    group_1["children"][1]["code"] = "1.1"  # duplicate code
    errors = validate_sheet(data)
    text = "\n".join(errors)
    assert "1: sub-criteria add up to 18, not 19" in text
    assert "1.1: worth 3 but its best option gives 4" in text
    assert "codes printed more than once: 1.1" in text
    assert "part A: children add up to 41, not 40" in text
    with pytest.raises(RubricValidationError) as raised:
        validate_or_raise(data)
    assert raised.value.errors == errors


def test_headings_that_group_criteria_cannot_be_answered():
    tea = load_sheet(11)
    # 6 and 6.1 are intermediate headings in the tea sheet; 6.1.1 is a criterion.
    assert {"6", "6.1", "6.2"} <= set(tea.headings)
    assert "6.1.1" in tea.criteria and "6.1" not in tea.criteria
    # Top-level groups printed with options directly under them are criteria themselves.
    assert {"7", "8", "9", "10", "11"} <= set(tea.criteria)


def test_bilingual_label_is_a_yes_no_criterion():
    criterion = load_sheet(1).criteria["2.4"]
    assert criterion.is_yes_no
    assert [(o.number, o.points) for o in criterion.options] == [(1, 0), (2, 1)]


def test_alternative_cases_are_numbered_continuously():
    criterion = load_sheet(26).criteria["8"]
    assert [(o.number, o.case, o.points) for o in criterion.options] == [
        (1, "a", 1),
        (2, "a", 3),
        (3, "b", 1),
        (4, "b", 3),
    ]


def test_star_marks_of_sheet_one_as_printed():
    sheet = load_sheet(1)
    marks = {
        code: [(o.number, o.star_minimum) for o in c.options if o.star_minimum]
        for code, c in sheet.criteria.items()
    }
    assert marks["1.5"] == [(3, 4), (4, 5)]
    assert marks["4.1"] == [(2, 3), (3, 4), (4, 5)]
    assert marks["3.5"] == [(1, 3), (2, 4)]
    assert marks["8"] == [(3, 4)]  # printed without a 5-star mark on option 4


def test_corrected_values_are_used():
    assert load_sheet(11).criteria["6.1.1"].option(2).points == 1  # HTML: 11
    assert load_sheet(4).criteria["7"].option(3).points == 3  # HTML: 13
    assert load_sheet(23).criteria["9"].max_points == 4  # HTML: "4 1"
    assert load_sheet(7).criteria["7"].option(4).star_minimum == 5  # HTML bullet "o"
    for number in (4, 7, 10, 11):
        assert load_sheet(number).criteria["1.2"].option(1).points == 0  # HTML: empty
    assert load_sheet(21).knockouts["6.2"].text_vi.startswith("Ghi chú: Nếu sản phẩm vi phạm")


def test_sheet_7_company_option_of_3_1_scores_1_as_printed():
    """Sheet 7 (Chế biến từ rau, củ, quả, hạt), 3.1 "Loại hình tổ chức sản xuất - kinh
    doanh", option 2 "Công ty TNHH; hoặc doanh nghiệp tư nhân; hoặc công ty cổ phần có vốn góp
    của cộng đồng người địa phương <51%" is printed with 1 point. No sum forces another value
    (3.1 is worth 3, the points of option 3), so the data follows the print."""
    criterion = load_sheet(7).criteria["3.1"]
    assert criterion.option(2).text_vi.startswith("Công ty TNHH; hoặc doanh nghiệp tư nhân")
    assert [o.points for o in criterion.options] == [1, 1, 3]
    assert score_sheet(7, {"3.1": 2}).criteria["3.1"] == 1
    assert not [c for c in CORRECTIONS if (c.sheet, c.code) == (7, "3.1")]


def test_every_correction_has_a_basis_that_allows_what_it_changes():
    """Only an arithmetic necessity changes a printed number; a blank cell only becomes 0;
    a formatting slip changes no value."""
    for fix in CORRECTIONS:
        check_basis(fix)
    assert {fix.basis for fix in CORRECTIONS} <= set(BASES)
    as_formatting = Correction(
        sheet=7,
        code="3.1",
        option=2,
        target="option_points",
        basis=FORMATTING,
        html="1",
        used="2",
        reason="test",
    )
    with pytest.raises(
        ConversionError, match="a formatting correction cannot change option_points"
    ):
        check_basis(as_formatting)
    blank = Correction(
        sheet=4,
        code="1.2",
        option=1,
        target="option_points",
        basis=BLANK,
        html="",
        used="1",
        reason="test",
    )
    with pytest.raises(ConversionError, match="only an empty cell is read as 0"):
        check_basis(blank)
    with pytest.raises(ConversionError, match="unknown basis 'analogy'"):
        check_basis(
            Correction(
                sheet=7,
                code="3.1",
                option=2,
                target="option_points",
                basis="analogy",
                html="1",
                used="2",
                reason="test",
            )
        )


def test_special_rules_are_machine_readable():
    sheet = load_sheet(1)
    assert sheet.criteria["5.2"].condition.criterion == "5.1"
    assert sheet.criteria["5.2"].condition.not_applicable_options == {1}
    assert sheet.criteria["6.1"].stop.trigger == "flag"
    assert set(sheet.knockouts) == {"dossier", "2.1"}
    water = load_sheet(16)
    assert water.criteria["6.4"].stop.trigger == "zero_in"
    assert water.criteria["6.4"].stop.criteria == ("6.1", "6.2", "6.3", "6.4")
    assert load_sheet(26).knockouts == {}


def test_version_and_classification():
    version = load_version()
    assert version["instrument"] == "26/2026/QĐ-TTg"
    assert version["signed_on"] == "2026-05-22"
    assert version["effective_from"] == "2026-05-22"  # Article 11(1)
    assert {s["lapses_on"] for s in version["supersedes"]} == {"2026-07-21"}  # Article 11(2)
    assert len(version["corrections"]) == len(CORRECTIONS)

    classification = load_classification()
    sectors = classification["sectors"]
    assert [s["code"] for s in sectors] == ["I", "II", "III", "IV", "V", "VI"]
    groups = [g for s in sectors for g in s["groups"]]
    assert len(groups) == 17
    sets = [g.get("sheet") for g in groups if not g["subgroups"]] + [
        sub["sheet"] for g in groups for sub in g["subgroups"]
    ]
    assert sorted(sets) == list(range(1, 27))
    sheets = {s["number"]: s for s in classification["sheets"]}
    assert (
        sheets[11]["subgroup"] == "I.5.a" and sheets[11]["name_en"] == "Tea (fresh and processed)"
    )
    assert sheets[13]["group"] == "I.6" and sheets[13]["subgroup"] is None
    for number, entry in sheets.items():
        assert load_sheet(number).name_vi == entry["name_vi"]


def test_converter_reproduces_the_committed_files():
    """Annex II of Decision 26/2026/QĐ-TTg, converted afresh, gives the committed files byte
    for byte (skipped without the HTML, failed under CI)."""
    files = converter.convert(read_decision_html())
    assert len(files) == 28
    for name, content in files.items():
        assert (VERSION_DIR / name).read_text(encoding="utf-8") == converter.dump_json(content)


def test_converter_fails_when_a_correction_no_longer_matches():
    html = read_decision_html()
    stale = Correction(
        sheet=11,
        code="6.1.1",
        option=2,
        target="option_points",
        basis=ARITHMETIC,
        html="12",
        used="1",
        reason="test",
    )
    others = [fix for fix in CORRECTIONS if (fix.sheet, fix.code) != (11, "6.1.1")]
    with pytest.raises(ConversionError, match="HTML says '11'"):
        converter.convert(html, [*others, stale])


def test_no_stopped_product_can_reach_three_stars():
    """Each stop note is followed by at least one *** minimum, which then scores 0."""
    for number in range(1, 27):
        sheet = load_sheet(number)
        codes = list(sheet.criteria)
        for index, code in enumerate(codes):
            if sheet.criteria[code].stop is None:
                continue
            later = [sheet.criteria[c].minimum(3) for c in codes[index + 1 :]]
            assert any(later), f"sheet {number}: no *** minimum after the stop at {code}"


DOCS = Path(__file__).resolve().parents[3] / "docs" / "rubric.md"


@pytest.mark.skipif(not DOCS.is_file(), reason="docs/rubric.md not in this checkout")
def test_docs_list_the_same_corrections_as_the_converter():
    assert corrections_markdown() in DOCS.read_text(encoding="utf-8")


TOY_DATA_DIR = Path(__file__).resolve().parent / "data"


@pytest.mark.parametrize(
    ("slug", "data_dir"),
    [*((slug, DATA_DIR) for slug in available_versions()), ("99-2099", TOY_DATA_DIR)],
)
def test_every_version_directory_validates(slug, data_dir):
    """Each committed version (and the test version) passes validation with its own parts."""
    info = load_version(slug, data_dir)
    assert validate_version(info, sheet_numbers(slug, data_dir)) == []
    for number in sheet_numbers(slug, data_dir):
        sheet = load_sheet(number, slug, data_dir)
        assert [part.max_points for part in sheet.parts] == list(info["parts"].values())


def test_version_validation_reports_each_broken_rule():
    info = json.loads((VERSION_DIR / "version.json").read_text(encoding="utf-8"))
    assert validate_version(info, range(1, 27)) == []
    broken = {
        **info,
        "slug": "26-2025",
        "effective_from": "2026-13-01",
        "effective_to": "2026-01-01",
        "parts": {"A": 40, "B": 25, "C": 36},
        "bands": info["bands"][:4],
    }
    text = "\n".join(validate_version(broken, range(1, 26)))
    assert "slug 26-2025 does not match the instrument '26/2026/QĐ-TTg'" in text
    assert "effective_from must be a date (YYYY-MM-DD), got '2026-13-01'" in text
    assert "parts add up to 101" in text
    assert "differ from the bands the engine implements" in text
    assert "sheet_count is 26 but the sheets found are [1, 2," in text
    with pytest.raises(RubricValidationError, match="version 26-2025 is invalid"):
        validate_version_or_raise(broken)


def test_parts_are_checked_against_the_version_s_own_maxima():
    data = json.loads((TOY_DATA_DIR / "99-2099" / "sheet-01.json").read_text(encoding="utf-8"))
    assert validate_sheet(data, {"A": 35, "B": 25, "C": 40}) == []
    errors = validate_sheet(data)  # the default maxima are 26/2026's
    assert "sheet 1: part A is worth 35, expected 40" in errors


def test_a_knock_out_note_carries_its_criterion_code():
    data = json.loads((VERSION_DIR / "sheet-01.json").read_text(encoding="utf-8"))
    criterion = data["parts"][0]["children"][1]["children"][0]  # 2.1
    assert criterion["knockouts"][0]["id"] == "2.1"
    criterion["knockouts"][0]["id"] = "copy"
    assert "sheet 1: 2.1: one knock-out note at most, with the id 2.1" in validate_sheet(data)
