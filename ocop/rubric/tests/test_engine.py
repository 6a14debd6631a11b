"""Hand-computed scores on sheets 1, 11, 13 and 26 of Decision 26/2026/QĐ-TTg.

Every expected number below was worked out by hand from the decision's HTML (Annex II);
the comments give each criterion's points as "code option->points" and the running sums.
"""

import re

import pytest

from ocop.rubric.engine import (
    COUNCIL_RULE_NOTE,
    AnswerError,
    band_star,
    load_sheet,
    score_council,
    score_sheet,
)

# --------------------------------------------------------------------------------------
# Sheet 1 (fresh vegetables, fruit and nuts): a 4-star product at exactly 70 points
# --------------------------------------------------------------------------------------

# Part A (40)
#   1.1 opt3->3  1.2 opt3->2  1.3 opt1->1  1.4 opt3->3  1.5 opt3->2 (**** met, ***** not)
#   1.6 opt1->1 (****)  1.7 opt2->1                                     group 1 = 13
#   2.1 opt3->3 (****)  2.2 opt3->2 (***)  2.3 opt3->3 (****)  2.4 yes->1   group 2 = 9
#   3.1 opt3->3  3.2 opt2->1  3.3 opt3->3  3.4 opt2->2 (****)  3.5 opt2->2 (****)  group 3 = 11
#   A = 13 + 9 + 11 = 33
# Part B (25)
#   4.1 opt3->3 (****, ***** not)  4.2 opt4->3  4.3 opt5->5              group 4 = 11
#   5.1 opt5->5 (****)  5.2 opt3->2 (applies: there is a story)  5.3 opt2->1 (***)  group 5 = 8
#   B = 19
# Part C (35)
#   6.1 opt3->2 (****)  6.2 opt4->3 (****)  6.3 opt4->3  6.4 opt1->0     group 6 = 8
#   7 opt1->0  8 opt3->3 (****)  9 opt1->2 (***)  10 opt2->3 (****)  11 opt1->1  12 opt1->1
#   C = 8 + 0 + 3 + 2 + 3 + 1 + 1 = 18
# Total 33 + 19 + 18 = 70: band 4, every *** and **** met; ***** missed on 1.3, 1.5, 4.1.
SHEET_1_FOUR_STARS = {
    "1.1": 3, "1.2": 3, "1.3": 1, "1.4": 3, "1.5": 3, "1.6": 1, "1.7": 2,
    "2.1": 3, "2.2": 3, "2.3": 3, "2.4": 2,
    "3.1": 3, "3.2": 2, "3.3": 3, "3.4": 2, "3.5": 2,
    "4.1": 3, "4.2": 4, "4.3": 5,
    "5.1": 5, "5.2": 3, "5.3": 2,
    "6.1": 3, "6.2": 4, "6.3": 4, "6.4": 1,
    "7": 1, "8": 3, "9": 1, "10": 2, "11": 1, "12": 1,
}  # fmt: skip


def test_sheet_1_four_star_product_at_exactly_70():
    result = score_sheet(1, SHEET_1_FOUR_STARS)
    assert result.to_dict() == {
        "total": 70,
        "parts": {"A": 33, "B": 19, "C": 18},
        "star": 4,
        "band_star": 4,
        "unmet_minimums": {"3": [], "4": [], "5": ["1.3", "1.5", "4.1"]},
        "knocked_out": False,
        "stopped_at": None,
    }
    assert result.groups == {"1": 13, "2": 9, "3": 11, "4": 11, "5": 8, "6": 8}
    assert result.criteria["2.4"] == 1


def test_sheet_1_product_above_70_held_at_three_stars_by_a_missed_four_star_minimum():
    # 6.1 drops to option 2 "Không đồng đều, chấp nhận được" (1 point; **** needs option 3,
    # 2 points): 70 - 1 = 69. 6.4 rises to option 4 "Rất tốt" (+3): 72.
    answers = {**SHEET_1_FOUR_STARS, "6.1": 2, "6.4": 4}
    result = score_sheet(1, answers)
    assert result.total == 72
    assert result.band_star == 4
    assert result.unmet_minimums[4] == ["6.1"]
    assert result.star == 3


def test_sheet_1_knock_out_gives_no_star_but_keeps_the_points_for_the_record():
    result = score_sheet(1, SHEET_1_FOUR_STARS, knockouts=["dossier"])
    assert result.to_dict()["knocked_out"] is True
    assert result.star == 0
    assert result.total == 70
    assert result.band_star == 4
    assert result.explain()["knockouts"][0]["text_vi"].startswith("Hồ sơ bị loại khi")
    # The copy/common-product note of criterion 2.1 is a knock-out too.
    assert score_sheet(1, SHEET_1_FOUR_STARS, knockouts=["2.1"]).star == 0


def test_sheet_1_story_structure_does_not_apply_without_a_story():
    # 5.1 option 1 "Không có câu chuyện sản phẩm" (0, was 5) makes 5.2 inapplicable (0, was
    # 2): 70 - 5 - 2 = 63, band 3; 5.1's **** minimum is now missed.
    result = score_sheet(1, {**SHEET_1_FOUR_STARS, "5.1": 1})
    assert result.total == 63
    assert result.not_applicable == ["5.2"]
    assert result.criteria["5.2"] == 0
    assert result.unmet_minimums[4] == ["5.1"]
    assert result.star == 3


def test_sheet_1_stop_note_ends_the_scoring_after_its_criterion():
    # Impurities found at 6.1: 6.1 keeps its 2 points, 6.2..12 are not scored, losing
    # 6.2 3 + 6.3 3 + 6.4 0 + 7 0 + 8 3 + 9 2 + 10 3 + 11 1 + 12 1 = 16: total 54, band 3,
    # but the *** minimums of 9 and 10 are now missed: 2 stars.
    result = score_sheet(1, SHEET_1_FOUR_STARS, stop_at="6.1")
    assert result.total == 54
    assert result.stopped_at == "6.1"
    assert result.not_scored == ["6.2", "6.3", "6.4", "7", "8", "9", "10", "11", "12"]
    assert result.unmet_minimums[3] == ["9", "10"]
    assert result.star == 2
    assert "tạp chất" in result.explain()["stop_note_vi"]


def test_sheet_1_band_edge_69_5_and_70_in_a_council():
    lower = {**SHEET_1_FOUR_STARS, "6.3": 3}  # 6.3 "Tương đối tốt" 2 instead of 3: 69
    half = score_council(1, [SHEET_1_FOUR_STARS, lower])
    assert half.total == 69.5
    assert half.band_star == 3
    assert half.star == 3
    assert half.to_dict()["spread"] == 1
    assert score_council(1, [SHEET_1_FOUR_STARS, SHEET_1_FOUR_STARS]).star == 4


# --------------------------------------------------------------------------------------
# Sheet 11 (tea): 5 stars at exactly 90, 4 stars at 89.5; headings 6 and 6.1 not answerable
# --------------------------------------------------------------------------------------

# Every criterion at its best option is 100. Four criteria without star marks are lowered:
#   1.2 opt1 "Không được cấp giấy chứng nhận" 0 (-2), 1.3 opt1 "Phân loại, sơ chế" 0 (-3),
#   1.4 opt1 "quy mô nhỏ" 1 (-2), 4.2 opt1 "Không có người chịu trách nhiệm" 0 (-3): 90.
# Part A = 40 - 7 = 33, B = 25 - 3 = 22, C = 35.
SHEET_11_BEST = {
    "1.1": 3, "1.2": 3, "1.3": 4, "1.4": 3, "1.5": 4, "1.6": 3, "1.7": 2,
    "2.1": 4, "2.2": 4, "2.3": 3, "2.4": 2,
    "3.1": 3, "3.2": 2, "3.3": 3, "3.4": 2, "3.5": 3,
    "4.1": 4, "4.2": 4, "4.3": 5, "5.1": 5, "5.2": 3, "5.3": 4,
    "6.1.1": 3, "6.1.2": 3, "6.2.1": 4, "6.2.2": 4, "6.2.3": 4,
    "7": 4, "8": 3, "9": 3, "10": 2, "11": 3,
}  # fmt: skip
SHEET_11_FIVE_STARS = {**SHEET_11_BEST, "1.2": 1, "1.3": 1, "1.4": 1, "4.2": 1}


def test_sheet_11_best_answers_total_100():
    result = score_sheet(11, SHEET_11_BEST)
    assert (result.total, result.star) == (100, 5)
    assert result.groups["6"] == 15 and result.groups["6.1"] == 4 and result.groups["6.2"] == 11


def test_sheet_11_five_stars_at_exactly_90():
    result = score_sheet(11, SHEET_11_FIVE_STARS)
    assert result.parts == {"A": 33, "B": 22, "C": 35}
    assert (result.total, result.band_star, result.star) == (90, 5, 5)


def test_sheet_11_band_edge_89_5_in_a_council_is_four_stars():
    # Second member: 1.7 opt1 "Không sử dụng công nghệ ... bền vững" 0 (-1): 89.
    other = {**SHEET_11_FIVE_STARS, "1.7": 1}
    result = score_council(11, [SHEET_11_FIVE_STARS, other])
    assert result.total == 89.5
    assert (result.band_star, result.star) == (4, 4)
    assert result.criteria["1.7"] == 0.5


def test_sheet_11_corrected_impurity_option_scores_one():
    # 6.1.1 option 2 "Có rất ít tạp chất, chấp nhận được": the HTML prints 11, we use 1.
    result = score_sheet(11, {"6.1.1": 2})
    assert result.total == 1
    assert result.unmet_minimums[4][:1] == ["1.5"]
    assert "6.1.1" in result.unmet_minimums[4]  # **** sits on option 3 (2 points)


@pytest.mark.parametrize("heading", ["6", "6.1", "6.2"])
def test_sheet_11_headings_cannot_be_answered(heading):
    with pytest.raises(AnswerError) as raised:
        score_sheet(11, {heading: 1})
    assert raised.value.code == heading
    assert "đề mục" in str(raised.value)


def test_invalid_codes_and_options_raise_clear_vietnamese_errors():
    with pytest.raises(AnswerError, match=re.escape("không có tiêu chí mã 6.1.9")) as raised:
        score_sheet(11, {"6.1.9": 1})
    assert raised.value.code == "6.1.9"
    with pytest.raises(AnswerError, match="chỉ có các lựa chọn từ 1 đến 4") as raised:
        score_sheet(11, {"6.2.3": 5})
    assert raised.value.code == "6.2.3"
    for bad in (0, -1, True, "2", 1.0):
        with pytest.raises(AnswerError):
            score_sheet(11, {"6.2.3": bad})
    with pytest.raises(AnswerError, match="không có quy định loại hồ sơ"):
        score_sheet(11, {}, knockouts=["9"])
    with pytest.raises(AnswerError, match="không có ghi chú dừng"):
        score_sheet(11, {}, stop_at="7")


def test_sheet_11_stop_at_impurities_of_the_tea_leaves():
    result = score_sheet(11, SHEET_11_FIVE_STARS, stop_at="6.1.1")
    # Kept: A 33 + B 22 + 6.1.1 2 = 57. Not scored: 6.1.2 ... 11.
    assert result.total == 57
    assert result.not_scored[:2] == ["6.1.2", "6.2.1"]
    assert result.star == 2  # the *** minimums of 8 and 9 come after the stop


# --------------------------------------------------------------------------------------
# Sheet 13 (coffee, cocoa): 3 stars at exactly 50, 2 stars at 49.5; council minimums
# --------------------------------------------------------------------------------------

# The *** minimums: 1.1 opt2->2, 2.2 opt3->2, 2.3 opt1->1, 3.5 opt1->1, 4.1 opt2->2,
# 5.3 opt2->1, 8 opt1->2, 9 opt1->1                                        = 12
# Unmarked criteria: 1.2 opt3->2, 1.3 opt4->3, 1.4 opt3->3, 1.7 opt2->1, 2.4 yes->1,
# 3.1 opt3->3, 3.2 opt2->1, 3.3 opt3->3, 4.2 opt4->4, 4.3 opt5->4            = 25 (37)
# 6.1.1..6.1.5 opt3->2 each = 10 (47), 6.2.1 opt3->2 (49), 10 opt1->1 (50).
# Not answered (0): 1.5, 1.6, 2.1, 3.4, 5.1, 5.2 (inapplicable, no story), 6.2.2, 7, 11.
SHEET_13_THREE_STARS = {
    "1.1": 2, "2.2": 3, "2.3": 1, "3.5": 1, "4.1": 2, "5.3": 2, "8": 1, "9": 1,
    "1.2": 3, "1.3": 4, "1.4": 3, "1.7": 2, "2.4": 2,
    "3.1": 3, "3.2": 2, "3.3": 3, "4.2": 4, "4.3": 5,
    "6.1.1": 3, "6.1.2": 3, "6.1.3": 3, "6.1.4": 3, "6.1.5": 3, "6.2.1": 3, "10": 1,
}  # fmt: skip


def test_sheet_13_three_stars_at_exactly_50():
    result = score_sheet(13, SHEET_13_THREE_STARS)
    # A: 2+2+3+3+1 = 11, 2+1+1 = 4, 3+1+3+1 = 8 -> 23; B: 2+4+4 = 10, 1 -> 11; C: 12+2+1 = 16
    assert result.parts == {"A": 23, "B": 11, "C": 16}
    assert (result.total, result.band_star, result.star) == (50, 3, 3)
    assert result.unmet_minimums[3] == []
    assert result.not_applicable == ["5.2"]


def test_sheet_13_band_edge_49_5_in_a_council_is_two_stars():
    other = {**SHEET_13_THREE_STARS, "10": 1}
    del other["6.2.1"]  # 2 points fewer: 48
    other["6.2.2"] = 2  # option 2 is worth 1 point: 49
    result = score_council(13, [SHEET_13_THREE_STARS, other])
    assert result.total == 49.5
    assert (result.band_star, result.star) == (2, 2)
    assert result.to_dict()["spread"] == 1


def test_sheet_13_council_checks_minimums_on_mean_criterion_scores():
    # Member 2 leaves 8 (công bố chất lượng, *** = option 1, 2 points) unticked and ticks
    # 6.2.2 option 3 (3 points): 50 - 2 + 3 = 51, but misses 8's *** minimum on its own.
    other = {**SHEET_13_THREE_STARS, "6.2.2": 3}
    del other["8"]
    assert score_sheet(13, other).total == 51
    result = score_council(13, [SHEET_13_THREE_STARS, other])
    # Mean total 50.5 (band 3) but 8's mean is (2 + 0) / 2 = 1 < 2: the *** minimum fails.
    assert result.total == 50.5
    assert result.criteria["8"] == 1
    assert result.unmet_minimums[3] == ["8"]
    assert result.star == 2
    assert result.rule_note == COUNCIL_RULE_NOTE
    assert "trung bình" in result.explain()["rule_note"]["vi"]


def test_council_spread_limit_is_configurable():
    low = {"1.1": 1}  # 1 point
    result = score_council(13, [SHEET_13_THREE_STARS, low, SHEET_13_THREE_STARS])
    assert result.spread == 49
    assert result.spread_exceeded
    assert result.explain()["spread_limit"] == 10
    relaxed = score_council(13, [SHEET_13_THREE_STARS, low], spread_limit=50)
    assert not relaxed.spread_exceeded
    with pytest.raises(AnswerError):
        score_council(13, [])


def test_council_of_nine_means_totals_and_parts():
    members = [SHEET_13_THREE_STARS] * 8 + [{**SHEET_13_THREE_STARS, "10": 2}]
    result = score_council(13, members)
    assert result.total == pytest.approx(50 + 1 / 9)
    assert result.to_dict()["total"] == 50.1111
    assert sum(result.parts.values()) == pytest.approx(result.total)
    assert len(result.members) == 9


# --------------------------------------------------------------------------------------
# Sheet 26 (community tourism): three star marks (3.4, 3.5) but no footnote and no
# knock-out note, alternative cases
# --------------------------------------------------------------------------------------

# Best answers; criteria 8, 9 and 15 are answered in case 2 (options 3-4), whose best
# options are worth 3, 2 and 3 like case 1's.
SHEET_26_BEST = {
    "1.1": 2, "1.2": 3, "1.3": 4, "1.4": 2, "2.1": 3, "2.2": 2, "2.3": 3,
    "3.1": 3, "3.2": 2, "3.3": 3, "3.4": 2, "3.5": 3,
    "4.1": 3, "4.2": 3, "4.3": 2, "4.4": 4, "4.5": 3, "5.1": 3, "5.2": 2, "5.3": 2,
    "6": 3, "7": 3, "8": 4, "9": 4, "10": 3, "11": 2, "12": 3, "13": 4, "14": 3,
    "15": 4, "16": 3, "17": 2,
}  # fmt: skip
# Lowered: 1.1 opt1 1 (-2), 1.2 opt1 1 (-4), 1.3 opt1 1 (-3), 1.4 opt1 1 (-1): 90.
SHEET_26_NINETY = {**SHEET_26_BEST, "1.1": 1, "1.2": 1, "1.3": 1, "1.4": 1}


def test_sheet_26_cases_are_numbered_across_cases():
    # 8: case 1 = options 1 (1 pt), 2 (3 pts); case 2 = options 3 (1 pt), 4 (3 pts).
    assert score_sheet(26, {"8": 3}).total == 1
    assert score_sheet(26, {"8": 2}).total == 3
    assert score_sheet(26, SHEET_26_BEST).total == 100


def test_sheet_26_band_edges_with_its_minimums_met():
    assert score_sheet(26, SHEET_26_NINETY).to_dict() == {
        "total": 90,
        "parts": {"A": 30, "B": 25, "C": 35},
        "star": 5,
        "band_star": 5,
        "unmet_minimums": {"3": [], "4": [], "5": []},
        "knocked_out": False,
        "stopped_at": None,
    }
    other = {**SHEET_26_NINETY, "2.2": 1}  # "Có kế hoạch phát triển thị trường" 1 (-1): 89
    council = score_council(26, [SHEET_26_NINETY, other])
    assert (council.total, council.star) == (89.5, 4)
    # Its marks count although no footnote explains them: 3.5 option 1 is its *** minimum.
    assert score_sheet(26, {**SHEET_26_NINETY, "3.5": 1}).unmet_minimums[4] == ["3.5"]
    missed = score_sheet(26, {k: v for k, v in SHEET_26_NINETY.items() if k != "3.5"})
    assert (missed.total, missed.band_star, missed.star) == (87, 4, 2)
    # Tourism has no knock-out notes printed, so none can be reported.
    with pytest.raises(AnswerError):
        score_sheet(26, {}, knockouts=["dossier"])


@pytest.mark.parametrize(
    ("total", "star"),
    [
        (0, 1), (29.5, 1), (30, 2), (49.5, 2), (50, 3), (69.5, 3), (70, 4),
        (89.5, 4), (90, 5), (100, 5),
    ],
)  # fmt: skip
def test_band_edges(total, star):
    assert band_star(total) == star


def test_sheet_16_zero_on_a_sensory_criterion_stops_the_scoring():
    water = load_sheet(16)
    best = {
        code: max(c.options, key=lambda o: o.points).number for code, c in water.criteria.items()
    }
    assert score_sheet(water, best).total == 100
    # 6.2 (màu sắc) option 1 scores 0: the note under 6.4 stops after 6.4, so 7..10 (20
    # points) are not scored: 100 - 3 - 20 = 77.
    result = score_sheet(water, {**best, "6.2": 1})
    assert result.stopped_at == "6.4"
    assert result.total == 77
    assert result.not_scored == ["7", "8", "9", "10"]
    assert result.star == 2
