"""The star marks of Annex II: every way the decision prints one is read, the data holds exactly
the marks each sheet prints, and a mark printed with spaces counts like any other.

Each sheet's footnote: "Ghi chú: Dấu sao là yêu cầu tối thiểu phải đạt theo các cấp độ sao
(*** - 3 sao; **** - 4 sao; ***** - 5 sao)".
"""

import json
from collections import Counter

import pytest

from ocop.rubric import converter
from ocop.rubric.converter.document import ConversionError, read_blocks
from ocop.rubric.converter.marks import (
    count_marks,
    count_star_marks,
    data_star_marks,
    sheet_texts,
    star_mark_differences,
)
from ocop.rubric.converter.sheets import RawSheet, Table, _split_stars, parse_rows
from ocop.rubric.engine import DATA_DIR, load_sheet, score_sheet
from ocop.rubric.tests.decision import read_decision_html

VERSION_DIR = DATA_DIR / "26-2026"


def committed_sheets():
    return {
        number: json.loads((VERSION_DIR / f"sheet-{number:02d}.json").read_text("utf-8"))
        for number in range(1, 27)
    }


def annex(sheet_bodies: dict[int, str]) -> str:
    """A minimal decision: Annex II with one table per sheet, as the HTML lays them out."""
    sheets = "".join(
        f'<p><a name="dieu_{n}"><b>{n}. Bộ sản phẩm {n}</b></a></p>'
        f"<table><tr><td><p>Các tiêu chí</p></td><td><p>Điểm</p></td></tr>{body}</table>"
        for n, body in sheet_bodies.items()
    )
    return (
        f'<p><a name="chuong_pl_2">PHỤ LỤC II</a></p>{sheets}<p><a name="chuong_pl_3">III</a></p>'
    )


def row(left: str, points: str = "1") -> str:
    return f"<tr><td>{left}</td><td><p>{points}</p></td></tr>"


LEGEND = (
    "<p>Ghi chú: Dấu sao là yêu cầu tối thiểu phải đạt theo các cấp độ sao "
    "(***- 3 sao; **** - 4 sao; *****-5 sao)</p>"
)


# --------------------------------------------------------------------------------------
# Every printed form of a mark
# --------------------------------------------------------------------------------------


def test_the_counter_reads_every_form_the_decision_prints():
    forms = {
        1: row("<p>□ Có công bố chất lượng sản phẩm***</p>"),  # unbroken
        2: row("<p>□ … truy xuất nguồn gốc điện tử * * * *</p>"),  # spaced (sheet 3, 5.1)
        3: row(  # split across two runs (sheets 19 and 20, 3.5)
            "<p><em>□ … quyền sử dụng)***</em><strong><span>*</span></strong></p>"
        ),
        4: row("<p>□ Rất đẹp, bắt mắt</p><p>****</p><p>*</p>"),  # split across paragraphs
        5: row("<p>□ Đẹp (****)</p>"),  # in brackets
        6: row("<p>□ Trung bình</p>") + LEGEND,  # the footnote's legend is no mark
        7: row("<p>□ Sạch***</p>", "2") + row("<p>****</p>", "3"),  # cells stay apart
    }
    counts = count_star_marks(
        annex({n: forms.get(n, row("<p>□ Không</p>", "0")) for n in range(1, 27)})
    )
    assert counts[1] == Counter({3: 1})
    assert counts[2] == Counter({4: 1})
    assert counts[3] == Counter({4: 1})
    assert counts[4] == Counter({5: 1})
    assert counts[5] == Counter({4: 1})
    assert counts[6] == Counter()
    assert counts[7] == Counter({3: 1, 4: 1})
    assert counts[8] == Counter()


def test_the_counter_refuses_asterisks_that_are_no_mark():
    with pytest.raises(ConversionError, match=r"2 asterisk\(s\) are not a star mark"):
        count_marks("□ Rất sạch** | 3")
    with pytest.raises(ConversionError, match="6 asterisk"):
        count_marks("□ Rất sạch****** | 3")
    with pytest.raises(ConversionError, match="does not add up"):
        count_marks("(*** - 4 sao)")


def test_the_sheets_are_found_by_their_numbered_headings():
    with pytest.raises(ConversionError, match="Annex II sheets found"):
        sheet_texts(annex(dict.fromkeys(range(1, 26), "")))
    with pytest.raises(ConversionError, match="Annex II's anchors not found"):
        sheet_texts("<p>no annex</p>")


def test_the_parser_reads_the_same_forms():
    assert _split_stars("truy xuất nguồn gốc điện tử * * * *") == (
        "truy xuất nguồn gốc điện tử",
        4,
    )
    assert _split_stars("Độc đáo, mang tính đặc trưng****") == ("Độc đáo, mang tính đặc trưng", 4)
    assert _split_stars("Đẹp (*****)") == ("Đẹp", 5)
    assert _split_stars("Trung bình") == ("Trung bình", None)
    with pytest.raises(ConversionError, match="asterisks inside an option text"):
        _split_stars("Sạch*** hoặc rất sạch")
    with pytest.raises(ConversionError, match="asterisks inside an option text"):
        _split_stars("Rất sạch**")


def test_the_parser_joins_a_mark_split_across_paragraphs_of_the_cell():
    table = next(
        block
        for block in read_blocks(
            "<table>"
            + row("<p><b>1. TÍNH ĐỘC ĐÁO</b></p>", "5")
            + row("<p>□ Trung bình</p>", "0")
            + row("<p>□ Rất độc đáo</p><p>***</p><p>**</p>", "5")
            + "</table>"
        )
        if isinstance(block, Table)
    )
    part_a = read_blocks("<table>" + row("<p><b>Phần A</b></p><p>SẢN PHẨM</p>", "5") + "</table>")
    raw = RawSheet(1, "", [], part_a[0].rows + table.rows, [])
    [part] = parse_rows(raw)
    [criterion] = part.children
    assert [(o.text, o.points, o.star) for o in criterion.options] == [
        ("Trung bình", 0, None),
        ("Rất độc đáo", 5, 5),
    ]
    assert criterion.option_notes == []


# --------------------------------------------------------------------------------------
# The data against the HTML
# --------------------------------------------------------------------------------------


def test_each_sheet_holds_exactly_the_star_marks_its_text_prints(subtests):
    """Annex II, all 26 sheets: the ***, **** and ***** minimums in the data, by level, equal
    the marks counted in each sheet's raw text by a plain regular expression (not the
    converter's parser)."""
    printed = count_star_marks(read_decision_html())
    sheets = committed_sheets()
    assert sorted(printed) == list(range(1, 27))
    for number, sheet in sheets.items():
        with subtests.test(sheet=number):
            assert data_star_marks(sheet) == printed[number]


def test_the_conversion_fails_when_the_data_lacks_a_printed_mark():
    """Sheet 3, 5.1, option 5 is printed "… truy xuất nguồn gốc điện tử * * * *": data
    without that 4-star minimum is refused."""
    html = read_decision_html()
    files = converter.convert(html)
    option = files["sheet-03.json"]["parts"][1]["children"][1]["children"][0]["options"][4]
    assert option["star_minimum"] == 4 and option["text_vi"].endswith("điện tử")
    option["star_minimum"] = None
    sheets = {content["number"]: content for name, content in files.items() if "sheet-" in name}
    assert star_mark_differences(count_star_marks(html), sheets) == [
        "sheet 3: the HTML prints {3: 7, 4: 14, 5: 6}, the data holds {3: 7, 4: 13, 5: 6}"
    ]
    with pytest.raises(ConversionError, match="sheet 3: the HTML prints"):
        converter.check_star_marks(html, files)


def test_a_sheet_missing_from_the_data_is_a_difference():
    sheets = committed_sheets()
    printed = {number: data_star_marks(sheet) for number, sheet in sheets.items()}
    assert star_mark_differences(printed, sheets) == []
    del sheets[26]
    assert star_mark_differences(printed, sheets) == [
        "sheet 26: the HTML prints {3: 1, 4: 2}, the data holds {}"
    ]


# --------------------------------------------------------------------------------------
# What the spaced mark of sheet 3 changes
# --------------------------------------------------------------------------------------


def best_answers(sheet):
    return {
        code: max(c.options, key=lambda o: o.points).number for code, c in sheet.criteria.items()
    }


def test_sheet_3_a_98_with_story_at_option_4_is_three_stars():
    """Sheet 3 (Gạo, ngũ cốc), 5.1 "Câu chuyện sản phẩm": option 5 ("… và đưa vào nội dung
    truy xuất nguồn gốc điện tử * * * *", 5 points) is the 4-star minimum. Everything else at
    its best and 5.1 at option 4 (3 points) gives 100 - 2 = 98, in the 5-star band of
    Article 3(3)(a); but "Dấu sao là yêu cầu tối thiểu phải đạt theo các cấp độ sao": the
    4-star minimum is missed, so neither 4 nor 5 stars, and every *** minimum is met: 3★."""
    sheet = load_sheet(3)
    story = sheet.criteria["5.1"]
    assert (story.option(4).points, story.option(5).points) == (3, 5)
    assert story.minimum(4) == story.option(5)
    result = score_sheet(sheet, {**best_answers(sheet), "5.1": 4})
    assert (result.total, result.band_star, result.star) == (98, 5, 3)
    assert result.unmet_minimums == {3: [], 4: ["5.1"], 5: []}
    assert score_sheet(sheet, best_answers(sheet)).star == 5
