"""What a product needs for its next star, in plain Vietnamese for the producer. Below 3★ the
"next star" is 3★: nothing lower is recognised, so no advice aims at 2★.

:func:`gap_to_next_star` takes one set of answers (a self-assessment or an evaluator's sheet)
and returns a :class:`GapReport`: the star minimums that block the next star, the points
missing to its band, and the cheapest set of criterion upgrades that together reach it.

"Cheapest" means the fewest extra points in total, then the fewest criteria changed: first
every blocking minimum is raised to exactly its marked option (and, where a stop note fires on
a zero, each zero is raised to the lowest non-zero option), then the remaining points to the
band are found with a small exact search over every criterion's better options. The plan is
re-scored with the engine before it is returned, so applying it is guaranteed to reach the
next star; when nothing can (a knock-out, a stop raised by the evaluator, or already 5★) the
report says so instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ocop.rubric.engine import (
    BANDS,
    STAR_LEVELS,
    Criterion,
    Sheet,
    SheetResult,
    load_sheet,
    score_sheet,
)

_BAND_FLOOR = dict(BANDS)
#: The lowest star a decision recognises (1★ and 2★ get no decision and no certificate).
FIRST_RECOGNISED_STAR = 3
_NO_ANSWER_VI = "chưa đạt/chưa chấm"


@dataclass(frozen=True)
class Upgrade:
    code: str
    title_vi: str
    from_option: int | None
    to_option: int
    from_text_vi: str
    to_text_vi: str
    extra_points: int
    required_for_star: int | None  # the star whose minimum forces it, or None

    @property
    def message_vi(self) -> str:
        reason = (
            f" (yêu cầu tối thiểu của hạng {self.required_for_star} sao)"
            if self.required_for_star
            else ""
        )
        return (
            f"Nâng tiêu chí {self.code} ({self.title_vi}) từ '{self.from_text_vi}' lên "
            f"'{self.to_text_vi}': +{self.extra_points} điểm{reason}"
        )


@dataclass
class GapReport:
    current_star: int
    band_star: int
    total: float
    target_star: int | None
    reachable: bool
    points_missing: float = 0
    blocking_minimums: dict[int, list[str]] = field(default_factory=dict)
    upgrades: list[Upgrade] = field(default_factory=list)
    messages_vi: list[str] = field(default_factory=list)
    answers_after: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "current_star": self.current_star,
            "band_star": self.band_star,
            "total": self.total,
            "target_star": self.target_star,
            "reachable": self.reachable,
            "points_missing": self.points_missing,
            "blocking_minimums": {str(s): c for s, c in self.blocking_minimums.items()},
            "upgrades": [
                {
                    "code": u.code,
                    "from_option": u.from_option,
                    "to_option": u.to_option,
                    "extra_points": u.extra_points,
                    "required_for_star": u.required_for_star,
                    "message_vi": u.message_vi,
                }
                for u in self.upgrades
            ],
            "messages_vi": list(self.messages_vi),
        }


def gap_to_next_star(
    sheet: Sheet | int,
    answers: Mapping[str, int],
    *,
    knockouts: Iterable[str] = (),
    stop_at: str | None = None,
) -> GapReport:
    if isinstance(sheet, int):
        sheet = load_sheet(sheet)
    knockouts = list(knockouts)
    result = score_sheet(sheet, answers, knockouts=knockouts, stop_at=stop_at)
    report = GapReport(
        current_star=result.star,
        band_star=result.band_star,
        total=result.total,
        target_star=None,
        reachable=False,
    )
    if result.knocked_out:
        report.messages_vi = [
            "Hồ sơ bị loại nên không được xếp hạng sao; nâng điểm các tiêu chí không khắc phục "
            "được. Lý do: " + "; ".join(k.text_vi for k in result.knockouts)
        ]
        return report
    if stop_at is not None:
        report.messages_vi = [
            f"Việc chấm điểm đã dừng ở tiêu chí {stop_at} "
            f"({sheet.criteria[stop_at].stop.text_vi}). Cần khắc phục nguyên nhân và đánh giá "
            "lại trước khi xét nâng hạng sao."
        ]
        return report
    if result.star >= 5:
        report.messages_vi = ["Sản phẩm đã đạt hạng cao nhất (5 sao)."]
        return report

    # 1★ and 2★ are recorded but never recognised: below 3★ the first aim is 3★ itself.
    target = max(result.star + 1, FIRST_RECOGNISED_STAR)
    report.target_star = target
    floor = _BAND_FLOOR[target]
    report.points_missing = max(0, floor - result.total)
    report.blocking_minimums = {
        star: list(result.unmet_minimums[star])
        for star in STAR_LEVELS
        if star <= target and result.unmet_minimums[star]
    }

    plan = dict(answers)
    required: dict[str, int | None] = {}
    for code, option, star in _forced_upgrades(sheet, result, target):
        plan[code] = option
        required[code] = star
    after = score_sheet(sheet, plan)
    if after.star < target:
        plan.update(_cheapest_fill(sheet, after, plan, floor - after.total))
        after = score_sheet(sheet, plan)
    if after.star < target:  # cannot happen with the sheets as validated; never mislead
        report.messages_vi = [f"Không tìm được cách nâng lên {target} sao từ các tiêu chí."]
        return report

    upgrades = [
        _upgrade(sheet.criteria[code], answers.get(code), plan[code], result, required.get(code))
        for code in sheet.criteria
        if plan.get(code) != answers.get(code)
    ]
    order = list(sheet.criteria)
    upgrades.sort(key=lambda u: (u.extra_points, order.index(u.code)))
    report.reachable = True
    report.upgrades = upgrades
    report.answers_after = plan
    report.messages_vi = _messages(sheet, result, report)
    return report


def _forced_upgrades(
    sheet: Sheet, result: SheetResult, target: int
) -> list[tuple[str, int, int | None]]:
    """Upgrades without which the target cannot be rated, in printed order."""
    forced: dict[str, tuple[int, int | None]] = {}
    for code, criterion in sheet.criteria.items():
        # An answer that does not count yet (after a stop) counts again once the stop is
        # lifted, so minimums are judged on the option as answered.
        answered = result.answers.get(code)
        points = criterion.option(answered).points if answered else 0
        for star in STAR_LEVELS:
            minimum = criterion.minimum(star)
            if star <= target and minimum and points < minimum.points:
                current = forced.get(code)
                if current is None or criterion.option(current[0]).points < minimum.points:
                    forced[code] = (minimum.number, star)
        rule = criterion.stop
        if rule is not None and rule.trigger == "zero_in":
            for other in rule.criteria:
                if result.criteria[other] == 0 and other not in forced:
                    lowest = min(
                        (o for o in sheet.criteria[other].options if o.points > 0),
                        key=lambda o: (o.points, o.number),
                    )
                    forced[other] = (lowest.number, None)
    return [(code, forced[code][0], forced[code][1]) for code in sheet.criteria if code in forced]


def _candidates(
    criterion: Criterion, current_option: int | None, current_points: float
) -> list[tuple[int, int]]:
    """(extra points, option) for every better option of a criterion, within its case."""
    case = criterion.option(current_option).case if current_option else None
    return [
        (option.points - int(current_points), option.number)
        for option in criterion.options
        if option.points > current_points and (case is None or option.case == case)
    ]


def _cheapest_fill(
    sheet: Sheet, result: SheetResult, plan: Mapping[str, int], missing: float
) -> list[tuple[str, int]]:
    """Fewest extra points >= ``missing`` (then fewest criteria), one option per criterion."""
    if missing <= 0:
        return []
    skip = set(result.not_applicable) | set(result.not_scored)
    # best[g] = (criteria changed, choices) reaching exactly g extra points
    best: dict[int, tuple[int, tuple[tuple[str, int], ...]]] = {0: (0, ())}
    for code, criterion in sheet.criteria.items():
        if code in skip:
            continue
        options = _candidates(criterion, plan.get(code), result.criteria[code])
        if not options:
            continue
        merged = dict(best)
        for gained, (changes, choices) in best.items():
            for extra, number in options:
                key = gained + extra
                candidate = (changes + 1, (*choices, (code, number)))
                if key not in merged or candidate[0] < merged[key][0]:
                    merged[key] = candidate
        best = merged
    reachable = sorted(g for g in best if g >= missing)
    if not reachable:
        return []
    return list(best[reachable[0]][1])


def _upgrade(
    criterion: Criterion,
    current: int | None,
    target: int,
    result: SheetResult,
    star: int | None,
) -> Upgrade:
    """From the option as answered (counted or not) to ``target``."""
    option = criterion.option(target)
    before = criterion.option(current) if current else None
    return Upgrade(
        code=criterion.code,
        title_vi=criterion.title_vi,
        from_option=current,
        to_option=target,
        from_text_vi=before.text_vi if before else _NO_ANSWER_VI,
        to_text_vi=option.text_vi,
        extra_points=option.points - (before.points if before else 0),
        required_for_star=star,
    )


def _format(points: float) -> str:
    return f"{points:g}".replace(".", ",")


def _messages(sheet: Sheet, result: SheetResult, report: GapReport) -> list[str]:
    target = report.target_star
    floor = _BAND_FLOOR[target]
    lines = []
    if report.points_missing > 0:
        lines.append(
            f"Để đạt {target} sao cần tối thiểu {floor} điểm; sản phẩm hiện có "
            f"{_format(result.total)} điểm, còn thiếu {_format(report.points_missing)} điểm."
        )
    else:
        lines.append(
            f"Sản phẩm đã đủ điểm cho {target} sao ({_format(result.total)} điểm) nhưng chưa "
            "đạt các yêu cầu tối thiểu dưới đây."
        )
    for star, codes in sorted(report.blocking_minimums.items()):
        for code in codes:
            criterion = sheet.criteria[code]
            minimum = criterion.minimum(star)
            lines.append(
                f"Tiêu chí {code} ({criterion.title_vi}) chưa đạt yêu cầu tối thiểu của hạng "
                f"{star} sao: cần đạt mức '{minimum.text_vi}' ({minimum.points} điểm)."
            )
    if result.not_applicable:
        lines.append(
            "Tiêu chí "
            + ", ".join(result.not_applicable)
            + " chỉ được tính khi sản phẩm có câu chuyện sản phẩm; khi điều kiện này được đáp "
            "ứng, điểm đã khai của các tiêu chí đó được tính vào tổng điểm."
        )
    if result.stopped_at:
        rule = sheet.criteria[result.stopped_at].stop
        lines.append(
            f"Việc chấm điểm đang dừng ở tiêu chí {result.stopped_at} vì có tiêu chí được 0 "
            f"điểm trong các tiêu chí {', '.join(rule.criteria)}. Khi các tiêu chí này đều có "
            "điểm, các tiêu chí sau đó được chấm lại theo kết quả đã khai."
        )
    extra = sum(u.extra_points for u in report.upgrades)
    lines.append(
        f"Các bước nâng hạng đề xuất (tổng cộng +{extra} điểm, tiêu chí cần ít điểm nhất "
        "được ưu tiên):"
    )
    lines.extend(u.message_vi for u in report.upgrades)
    return lines
