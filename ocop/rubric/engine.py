"""The scoring engine: pure Python over the JSON sheets (no Django, no database).

One evaluator ticks at most one option per criterion: ``answers = {"1.1": 3, "2.4": 2, ...}``
maps printed criterion codes to 1-based option numbers. :func:`score_sheet` turns that into
points per criterion, per group and per part, the total, the band and the star, the unmet
star minimums, knock-outs and stops. :func:`score_council` combines several evaluators.

Rules applied (see ``docs/rubric.md`` for the reasoning):

* An unticked criterion scores 0 and so misses any star minimum it carries.
* A star minimum (``***``/``****``/``*****`` on an option) is met when the criterion scores at
  least that option's points.
* ``band_star`` is the band of the total: [90, 100] 5★, [70, 90) 4★, [50, 70) 3★, [30, 50) 2★,
  [0, 30) 1★. ``star`` is the highest band reached whose minimums, and those of every lower
  star, are all met; 1★ and 2★ have no minimums.
* A knocked-out dossier (a "Hồ sơ bị loại khi" or "Bị loại nếu" rule reported by the
  evaluator) gets ``star == 0``: no rating at all. Its points are still computed for the record.
* A conditional criterion ("Chỉ áp dụng khi có câu chuyện sản phẩm") is not applicable while
  its condition is unmet: it scores 0, any answer to it is ignored and reported in
  ``not_applicable``, and the sheet's maximum stays 100 (the decision never rescales).
* A stop note ("sẽ không đánh giá các bước tiếp theo") ends the scoring of the sheet at that
  criterion: the criteria printed after it score 0 and are reported in ``not_scored``. A
  stop is raised by the evaluator (``stop_at=code``), or automatically where the note says
  "Nếu được 0 điểm tại một trong các chỉ tiêu trên" and one of those criteria scores 0.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ocop.rubric.validation import (
    BANDS,
    PART_MAXIMA,
    STAR_LEVELS,
    RubricValidationError,
    validate_or_raise,
    validate_version_or_raise,
)

# BANDS and STAR_LEVELS live in validation.py (the data is checked against them); gaps.py and
# other callers import them from here.

# The committed versions: one directory per decision, data/<number>-<year>/.
DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_VERSION = "26-2026"
DEFAULT_SPREAD_LIMIT = 10.0

COUNCIL_RULE_NOTE = {
    "vi": (
        "Tổng điểm của Hội đồng là trung bình cộng tổng điểm của các thành viên. Yêu cầu tối "
        "thiểu theo hạng sao (***, ****, *****) được xét trên điểm trung bình của từng tiêu "
        "chí; hạng sao là hạng cao nhất mà khung điểm và mọi yêu cầu tối thiểu của hạng đó và "
        "các hạng thấp hơn đều đạt. Độ chênh là hiệu giữa tổng điểm cao nhất và thấp nhất "
        "của các thành viên."
    ),
    "en": (
        "The council's total is the mean of the members' totals. Star minimums (***, ****, "
        "*****) are checked on the mean score of each criterion; the star is the highest one "
        "whose band is reached and whose minimums, and those of every lower star, are met. "
        "The spread is the highest member total minus the lowest."
    ),
}


class AnswerError(ValueError):
    """An answer, knock-out or stop that the sheet does not allow.

    The message is in Vietnamese, for the person who filled in the sheet; ``message_en`` says
    the same in English; ``code`` is the criterion code (or rule id) at fault.
    """

    def __init__(self, message: str, *, code: str, message_en: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message_en = message_en


# --------------------------------------------------------------------------------------
# The sheet as immutable objects
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    number: int
    text_vi: str
    points: int
    star_minimum: int | None
    case: str | None


@dataclass(frozen=True)
class Condition:
    text_vi: str
    criterion: str
    not_applicable_options: frozenset[int]


@dataclass(frozen=True)
class StopRule:
    text_vi: str
    trigger: str  # "flag" (reported by the evaluator) or "zero_in" (automatic)
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class KnockoutRule:
    id: str
    text_vi: str
    criterion: str | None


@dataclass(frozen=True)
class Criterion:
    code: str
    title_vi: str
    max_points: int
    part: str
    ancestors: tuple[str, ...]  # heading codes above it, outermost first
    options: tuple[Option, ...]
    is_yes_no: bool
    condition: Condition | None
    stop: StopRule | None
    notes_vi: tuple[str, ...]

    def option(self, number: int) -> Option:
        return self.options[number - 1]

    def minimum(self, star: int) -> Option | None:
        """The option marked as this star's minimum, if the criterion has one."""
        return next((o for o in self.options if o.star_minimum == star), None)


@dataclass(frozen=True)
class Heading:
    code: str
    title_vi: str
    max_points: int
    part: str
    children: tuple[str, ...]


@dataclass(frozen=True)
class Part:
    code: str
    title_vi: str
    max_points: int
    children: tuple[str, ...]


@dataclass(frozen=True)
class Sheet:
    version: str
    number: int
    name_vi: str
    name_en: str
    parts: tuple[Part, ...]
    criteria: Mapping[str, Criterion]  # printed order
    headings: Mapping[str, Heading]
    knockouts: Mapping[str, KnockoutRule]

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        part_maxima: Mapping[str, int] = PART_MAXIMA,
        *,
        validated: bool = False,
    ) -> Sheet:
        if not validated:
            validate_or_raise(data, part_maxima)
        criteria: dict[str, Criterion] = {}
        headings: dict[str, Heading] = {}
        knockouts: dict[str, KnockoutRule] = {}
        if data.get("dossier_rejection"):
            rule = data["dossier_rejection"]
            knockouts[rule["id"]] = KnockoutRule(rule["id"], rule["text_vi"], None)

        def add(node: Mapping[str, Any], part: str, ancestors: tuple[str, ...]) -> None:
            for rule in node.get("knockouts", []):
                knockouts[rule["id"]] = KnockoutRule(rule["id"], rule["text_vi"], node["code"])
            if node["kind"] == "heading":
                headings[node["code"]] = Heading(
                    node["code"],
                    node["title_vi"],
                    node["max_points"],
                    part,
                    tuple(child["code"] for child in node["children"]),
                )
                for child in node["children"]:
                    add(child, part, (*ancestors, node["code"]))
                return
            condition = node.get("condition")
            stop = node.get("stop")
            criteria[node["code"]] = Criterion(
                code=node["code"],
                title_vi=node["title_vi"],
                max_points=node["max_points"],
                part=part,
                ancestors=ancestors,
                options=tuple(
                    Option(o["number"], o["text_vi"], o["points"], o["star_minimum"], o["case"])
                    for o in node["options"]
                ),
                is_yes_no=node["is_yes_no"],
                condition=Condition(
                    condition["text_vi"],
                    condition["criterion"],
                    frozenset(condition["not_applicable_options"]),
                )
                if condition
                else None,
                stop=StopRule(stop["text_vi"], stop["trigger"], tuple(stop["criteria"]))
                if stop
                else None,
                notes_vi=tuple(node.get("notes_vi", [])),
            )

        parts = []
        for part in data["parts"]:
            for node in part["children"]:
                add(node, part["code"], ())
            parts.append(
                Part(
                    part["code"],
                    part["title_vi"],
                    part["max_points"],
                    tuple(node["code"] for node in part["children"]),
                )
            )
        return cls(
            version=data["version"],
            number=data["number"],
            name_vi=data["name_vi"],
            name_en=data["name_en"],
            parts=tuple(parts),
            criteria=criteria,
            headings=headings,
            knockouts=knockouts,
        )


def _read_json(version: str, name: str, data_dir: Path = DATA_DIR) -> Any:
    path = Path(data_dir) / version / name
    if not path.is_file():
        raise LookupError(f"no rubric file {name} for version {version!r}")
    return json.loads(path.read_text(encoding="utf-8"))


def sheet_numbers(version: str = DEFAULT_VERSION, data_dir: Path = DATA_DIR) -> list[int]:
    """The numbers of the ``sheet-NN.json`` files of a version, sorted."""
    return sorted(
        int(path.stem.removeprefix("sheet-"))
        for path in (Path(data_dir) / version).glob("sheet-[0-9][0-9].json")
    )


@cache
def load_sheet(number: int, version: str = DEFAULT_VERSION, data_dir: Path = DATA_DIR) -> Sheet:
    """The validated sheet ``number`` (1..26) of a rubric version, cached per process.

    ``data_dir`` is the folder holding the version directories (the committed ``data/`` by
    default; the tests keep a second, small version elsewhere).
    """
    return Sheet.from_dict(read_sheet_data(number, version, data_dir), validated=True)


def read_sheet_data(
    number: int,
    version: str = DEFAULT_VERSION,
    data_dir: Path = DATA_DIR,
    info: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The validated content of ``sheet-NN.json`` as a new dict (not cached).

    ``info`` is the version's ``version.json`` when the caller has already read it.
    """
    if not isinstance(number, int) or isinstance(number, bool):
        raise LookupError(f"sheet number must be an integer, got {number!r}")
    if info is None:
        info = load_version(version, data_dir)
    data = _read_json(version, f"sheet-{number:02d}.json", data_dir)
    if data.get("version") != version:
        raise RubricValidationError(
            number, [f"sheet {number}: belongs to version {data.get('version')!r}, not {version}"]
        )
    validate_or_raise(data, info["parts"])
    return data


@cache
def load_version(version: str = DEFAULT_VERSION, data_dir: Path = DATA_DIR) -> Mapping[str, Any]:
    """The validated ``version.json`` of a version (instrument, dates, parts, bands), cached."""
    return read_version_info(version, data_dir)


def read_version_info(version: str = DEFAULT_VERSION, data_dir: Path = DATA_DIR) -> dict[str, Any]:
    """The validated ``version.json`` of a version, read afresh."""
    data = _read_json(version, "version.json", data_dir)
    if data.get("slug") != version:
        raise RubricValidationError(
            None,
            [f"version.json in {version}/ says slug {data.get('slug')!r}"],
            subject=f"version {version}",
        )
    return validate_version_or_raise(data, sheet_numbers(version, data_dir))


@cache
def load_classification(
    version: str = DEFAULT_VERSION, data_dir: Path = DATA_DIR
) -> Mapping[str, Any]:
    return _read_json(version, "classification.json", data_dir)


def available_versions(data_dirs: Iterable[Path] = (DATA_DIR,)) -> dict[str, Path]:
    """``{slug: data_dir}`` for every version directory (one with a version.json) found."""
    found: dict[str, Path] = {}
    for data_dir in data_dirs:
        for path in sorted(Path(data_dir).glob("*/version.json")):
            found.setdefault(path.parent.name, Path(data_dir))
    return found


def find_version(name: str, data_dirs: Iterable[Path] = (DATA_DIR,)) -> tuple[str, Path]:
    """``(slug, data_dir)`` of the version called ``name``: its code ("26/2026") or slug.

    Raises :class:`LookupError` naming the versions that exist.
    """
    versions = available_versions(data_dirs)
    name = str(name).strip()
    for slug, data_dir in versions.items():
        if name in (slug, slug.replace("-", "/")):
            return slug, data_dir
    known = ", ".join(slug.replace("-", "/") for slug in versions) or "-"
    raise LookupError(f"unknown rubric version {name!r} (known: {known})")


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


def band_star(total: float) -> int:
    """The star band of a total (Article 3(3)); bands are half-open, 5★ includes 100."""
    for star, lower in BANDS:
        if total >= lower:
            return star
    return 1


def _number(value: float) -> float | int:
    """Whole numbers as int, others rounded for display (stars use the exact value)."""
    rounded = round(value, 4)
    return int(rounded) if rounded == int(rounded) else rounded


@dataclass
class SheetResult:
    sheet: Sheet
    criteria: dict[str, float]
    groups: dict[str, float]
    parts: dict[str, float]
    total: float
    band_star: int
    star: int
    unmet_minimums: dict[int, list[str]]
    knockouts: list[KnockoutRule] = field(default_factory=list)
    stopped_at: str | None = None
    not_applicable: list[str] = field(default_factory=list)
    not_scored: list[str] = field(default_factory=list)
    chosen: dict[str, int] = field(default_factory=dict)  # answers that counted
    answers: dict[str, int] = field(default_factory=dict)  # answers as given

    @property
    def knocked_out(self) -> bool:
        return bool(self.knockouts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": _number(self.total),
            "parts": {code: _number(points) for code, points in self.parts.items()},
            "star": self.star,
            "band_star": self.band_star,
            "unmet_minimums": {str(s): list(codes) for s, codes in self.unmet_minimums.items()},
            "knocked_out": self.knocked_out,
            "stopped_at": self.stopped_at,
        }

    def explain(self) -> dict[str, Any]:
        """``to_dict()`` plus the detail behind it, for screens and audit records."""
        stop = self.sheet.criteria[self.stopped_at].stop if self.stopped_at else None
        return {
            **self.to_dict(),
            "version": self.sheet.version,
            "sheet": self.sheet.number,
            "criteria": {code: _number(p) for code, p in self.criteria.items()},
            "groups": {code: _number(p) for code, p in self.groups.items()},
            "knockouts": [{"id": k.id, "text_vi": k.text_vi} for k in self.knockouts],
            "stop_note_vi": stop.text_vi if stop else None,
            "not_applicable": list(self.not_applicable),
            "not_scored": list(self.not_scored),
        }


@dataclass
class CouncilResult(SheetResult):
    members: list[SheetResult] = field(default_factory=list)
    spread: float = 0.0
    spread_limit: float = DEFAULT_SPREAD_LIMIT
    rule_note: dict[str, str] = field(default_factory=lambda: dict(COUNCIL_RULE_NOTE))

    @property
    def spread_exceeded(self) -> bool:
        return self.spread > self.spread_limit

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "spread": _number(self.spread)}

    def explain(self) -> dict[str, Any]:
        return {
            **super().explain(),
            "member_totals": [_number(member.total) for member in self.members],
            "spread_limit": _number(self.spread_limit),
            "spread_exceeded": self.spread_exceeded,
            "rule_note": dict(self.rule_note),
        }


# --------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------


def check_answers(sheet: Sheet, answers: Mapping[str, int]) -> None:
    """Raise :class:`AnswerError` on the first answer the sheet does not allow."""
    for code, number in answers.items():
        if code in sheet.headings:
            children = ", ".join(sheet.headings[code].children)
            raise AnswerError(
                f"Mục {code} là đề mục, không chấm trực tiếp; hãy chấm các tiêu chí con "
                f"({children}).",
                code=code,
                message_en=f"{code} is a heading and cannot be answered; answer its "
                f"criteria ({children}).",
            )
        criterion = sheet.criteria.get(code)
        if criterion is None:
            raise AnswerError(
                f"Phiếu số {sheet.number} không có tiêu chí mã {code!s}.",
                code=str(code),
                message_en=f"Sheet {sheet.number} has no criterion with the code {code!s}.",
            )
        count = len(criterion.options)
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= count:
            raise AnswerError(
                f"Tiêu chí {code} chỉ có các lựa chọn từ 1 đến {count}; "
                f"giá trị {number!r} không hợp lệ.",
                code=code,
                message_en=f"Criterion {code} has options 1 to {count}; {number!r} is not "
                "one of them (give the option's number as a whole number).",
            )


def _check_flags(sheet: Sheet, knockouts: Iterable[str], stop_at: str | None) -> list[str]:
    ids = list(dict.fromkeys(knockouts))
    for rule_id in ids:
        if rule_id not in sheet.knockouts:
            known = ", ".join(sheet.knockouts) or "không có"
            raise AnswerError(
                f"Phiếu số {sheet.number} không có quy định loại hồ sơ mã {rule_id!s} "
                f"(các mã hợp lệ: {known}).",
                code=str(rule_id),
                message_en=f"Sheet {sheet.number} has no knock-out rule {rule_id!s} "
                f"(valid: {known.replace('không có', 'none')}).",
            )
    if stop_at is not None:
        criterion = sheet.criteria.get(stop_at)
        if criterion is None or criterion.stop is None:
            raise AnswerError(
                f"Tiêu chí {stop_at} của phiếu số {sheet.number} không có ghi chú dừng chấm điểm.",
                code=str(stop_at),
                message_en=f"Criterion {stop_at} of sheet {sheet.number} has no note that stops "
                "the scoring.",
            )
    return ids


def score_sheet(
    sheet: Sheet | int,
    answers: Mapping[str, int],
    *,
    knockouts: Iterable[str] = (),
    stop_at: str | None = None,
) -> SheetResult:
    """Score one evaluator's answers on one sheet.

    ``knockouts`` lists the knock-out rules the evaluator found to apply (rule ids: the
    criterion code carrying a "Bị loại nếu" note, or ``"dossier"`` for the sheet's "Hồ sơ bị
    loại khi" note). ``stop_at`` is the code of a criterion whose stop note the evaluator
    found to apply (e.g. hazardous impurities in the samples).
    """
    if isinstance(sheet, int):
        sheet = load_sheet(sheet)
    check_answers(sheet, answers)
    knockout_ids = _check_flags(sheet, knockouts, stop_at)

    points: dict[str, float] = {}
    not_applicable: list[str] = []
    not_scored: list[str] = []
    stopped_at: str | None = None
    chosen: dict[str, int] = {}
    for code, criterion in sheet.criteria.items():
        if stopped_at is not None:
            points[code] = 0
            not_scored.append(code)
            continue
        condition = criterion.condition
        if condition is not None and (
            answers.get(condition.criterion) is None
            or answers[condition.criterion] in condition.not_applicable_options
        ):
            points[code] = 0
            not_applicable.append(code)
        elif code in answers:
            chosen[code] = answers[code]
            points[code] = criterion.option(answers[code]).points
        else:
            points[code] = 0
        rule = criterion.stop
        if rule is not None and (
            stop_at == code
            or (rule.trigger == "zero_in" and any(points[c] == 0 for c in rule.criteria))
        ):
            stopped_at = code
    return _result(
        sheet,
        points,
        knockouts=[sheet.knockouts[i] for i in knockout_ids],
        stopped_at=stopped_at,
        not_applicable=not_applicable,
        not_scored=not_scored,
        chosen=chosen,
        answers=dict(answers),
    )


def _result(sheet: Sheet, points: dict[str, float], **details: Any) -> SheetResult:
    groups: dict[str, float] = {}
    for code in reversed(list(sheet.headings)):  # children before their parents
        heading = sheet.headings[code]
        groups[code] = sum(groups.get(c, points.get(c, 0)) for c in heading.children)
    groups = {code: groups[code] for code in sheet.headings}
    parts = {
        part.code: sum(groups.get(c, points.get(c, 0)) for c in part.children)
        for part in sheet.parts
    }
    total = sum(parts.values())
    return _rate(sheet, points, groups, parts, total, **details)


def _rate(
    sheet: Sheet,
    points: Mapping[str, float],
    groups: dict[str, float],
    parts: dict[str, float],
    total: float,
    **details: Any,
) -> SheetResult:
    unmet = unmet_minimums(sheet, points)
    band = band_star(total)
    star = 0 if details.get("knockouts") else rated_star(band, unmet)
    return SheetResult(
        sheet=sheet,
        criteria=dict(points),
        groups=groups,
        parts=parts,
        total=total,
        band_star=band,
        star=star,
        unmet_minimums=unmet,
        **details,
    )


def unmet_minimums(sheet: Sheet, points: Mapping[str, float]) -> dict[int, list[str]]:
    """For each of 3★, 4★ and 5★, the criteria scoring below that star's marked option."""
    unmet: dict[int, list[str]] = {star: [] for star in STAR_LEVELS}
    for code, criterion in sheet.criteria.items():
        for star in STAR_LEVELS:
            minimum = criterion.minimum(star)
            if minimum is not None and points.get(code, 0) < minimum.points:
                unmet[star].append(code)
    return unmet


def rated_star(band: int, unmet: Mapping[int, list[str]]) -> int:
    """The highest star up to ``band`` whose minimums and all lower ones are met."""
    star = 2 if band >= 2 else 1
    for level in STAR_LEVELS:
        if band < level or unmet.get(level):
            break
        star = level
    return min(star, band)


def score_council(
    sheet: Sheet | int,
    members: Iterable[Mapping[str, int]],
    *,
    knockouts: Iterable[str] = (),
    stop_at: str | None = None,
    spread_limit: float = DEFAULT_SPREAD_LIMIT,
) -> CouncilResult:
    """Combine the independent sheets of a council's members (see ``COUNCIL_RULE_NOTE``).

    Knock-outs and a flagged stop are findings about the dossier or the samples, so they apply
    to every member; an automatic stop (a zero in a stop group) applies to the member who
    gave it.
    """
    if isinstance(sheet, int):
        sheet = load_sheet(sheet)
    member_answers = list(members)
    if not member_answers:
        raise AnswerError(
            "Hội đồng phải có ít nhất một phiếu chấm của thành viên.",
            code="",
            message_en="A council needs at least one member's sheet.",
        )
    knockouts = list(knockouts)
    results = [
        score_sheet(sheet, answers, knockouts=knockouts, stop_at=stop_at)
        for answers in member_answers
    ]
    count = len(results)

    def mean(values: Iterable[float]) -> float:
        return sum(values) / count

    points = {code: mean(r.criteria[code] for r in results) for code in sheet.criteria}
    groups = {code: mean(r.groups[code] for r in results) for code in sheet.headings}
    parts = {part.code: mean(r.parts[part.code] for r in results) for part in sheet.parts}
    total = mean(r.total for r in results)
    totals = [r.total for r in results]
    rated = _rate(
        sheet,
        points,
        groups,
        parts,
        total,
        knockouts=results[0].knockouts,
        stopped_at=next((r.stopped_at for r in results if r.stopped_at), None),
        not_applicable=sorted({c for r in results for c in r.not_applicable}),
        not_scored=sorted({c for r in results for c in r.not_scored}),
    )
    return CouncilResult(
        **{name: getattr(rated, name) for name in SheetResult.__dataclass_fields__},
        members=results,
        spread=max(totals) - min(totals),
        spread_limit=spread_limit,
    )
