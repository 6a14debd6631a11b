"""The 26 sheets of Annex II scored through the engine: the best answers give the points of
Article 3(1), and each printed star mark holds the star back exactly as the footnote says.

The expected values are read from each sheet (its options and marks), never typed in, so a
wrong point or a lost mark in the data shows up as a failure naming the sheet and criterion.
"""

import pytest

from ocop.rubric.engine import STAR_LEVELS, Sheet, load_sheet, load_version, score_sheet

SHEETS = list(range(1, 27))


def best_answers(sheet: Sheet) -> dict[str, int]:
    """Every criterion at its highest-scoring option (the first printed, on a tie)."""
    return {
        code: max(criterion.options, key=lambda option: option.points).number
        for code, criterion in sheet.criteria.items()
    }


def article_3_band(total: float) -> int:
    """Article 3(3): 5 sao from 90 to 100, 4 sao from 70 to under 90, 3 sao from 50 to under
    70, 2 sao from 30 to under 50, 1 sao under 30."""
    for star, lower in ((5, 90), (4, 70), (3, 50), (2, 30)):
        if total >= lower:
            return star
    return 1


def marks(sheet: Sheet):
    """(criterion, marked option) for every star mark printed on the sheet."""
    for criterion in sheet.criteria.values():
        for option in criterion.options:
            if option.star_minimum is not None:
                yield criterion, option


def test_the_best_answers_give_100_with_parts_a_40_b_25_c_35(subtests):
    """Article 3(1): "Phần A … (40 điểm)", "Phần B … (25 điểm)", "Phần C … (35 điểm)"; Article
    3(3): "Tổng điểm đánh giá cho mỗi sản phẩm tối đa là 100 điểm". On every sheet the best
    option of each criterion reaches exactly that, meets every printed minimum and is 5★."""
    assert load_version()["parts"] == {"A": 40, "B": 25, "C": 35}
    for number in SHEETS:
        with subtests.test(sheet=number):
            sheet = load_sheet(number)
            result = score_sheet(sheet, best_answers(sheet))
            assert result.parts == {"A": 40, "B": 25, "C": 35}
            assert result.total == 100
            assert result.unmet_minimums == {3: [], 4: [], 5: []}
            assert (result.band_star, result.star) == (5, 5)
            assert not result.not_applicable and result.stopped_at is None


def test_missing_a_star_mark_holds_the_star_below_it(subtests):
    """Footnote of Annex II: "Dấu sao là yêu cầu tối thiểu phải đạt theo các cấp độ sao (***
    - 3 sao; **** - 4 sao; ***** - 5 sao)". For every mark of every sheet, the criterion at the
    best option printed below the marked one (fewer points; unanswered when there is none,
    which scores 0) and everything else at its best: the total drops by the difference only,
    the star is at most one below the mark (a `****` miss gives at most 3★) and otherwise the
    band of Article 3(3), and the criterion is unmet at that level and every higher level it
    marks, never at a lower one."""
    checked = 0
    for number in SHEETS:
        sheet = load_sheet(number)
        best = best_answers(sheet)
        for criterion, marked in marks(sheet):
            level = marked.star_minimum
            with subtests.test(sheet=number, criterion=criterion.code, mark="*" * level):
                below = [o for o in criterion.options if o.points < marked.points]
                answers = dict(best)
                if below:
                    choice = max(below, key=lambda option: option.points)
                    answers[criterion.code] = choice.number
                    points = choice.points
                else:
                    del answers[criterion.code]
                    points = 0
                result = score_sheet(sheet, answers)
                expected_total = 100 - (criterion.max_points - points)
                assert result.total == expected_total
                assert result.band_star == article_3_band(expected_total)
                assert result.star == min(level - 1, article_3_band(expected_total))
                for star in STAR_LEVELS:
                    unmet = star >= level and criterion.minimum(star) is not None
                    assert result.unmet_minimums[star] == ([criterion.code] if unmet else [])
                checked += 1
    assert checked == sum(len(list(marks(load_sheet(number)))) for number in SHEETS) > 0


@pytest.mark.parametrize("level", STAR_LEVELS)
def test_every_star_level_is_marked_somewhere(level):
    """The three marks of the footnote are all used in Annex II (so the test above covers a
    miss of each)."""
    assert any(
        option.star_minimum == level
        for number in SHEETS
        for _c, option in marks(load_sheet(number))
    )
