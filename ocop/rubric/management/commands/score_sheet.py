"""Score an answer file on one sheet and print the result as one JSON object.

    python manage.py score_sheet --set N FILE.json [--rubric 26/2026]

FILE.json is one evaluator's answers, ``{"1.1": 3, "6.1.1": 2, ...}`` (criterion code as
printed, without the trailing dot → option number from 1 in printed order; a criterion left
out is unanswered and scores 0), or a council's, ``{"members": [{...}, {...}]}``. The output
is ``{"total", "parts": {"A", "B", "C"}, "star", "band_star", "unmet_minimums": {"3", "4",
"5"}, "knocked_out", "stopped_at"}``, plus ``"spread"`` for a council. Any error in the input
exits with a non-zero status and a message (Vietnamese, then English) and prints nothing on
standard output. The command reads the data files only: it needs no database.

This interface is used by the acceptance checks: keep it stable.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.rubric.engine import (
    AnswerError,
    available_versions,
    check_answers,
    load_sheet,
    score_council,
    score_sheet,
    sheet_numbers,
)
from ocop.rubric.loading import data_dirs, resolve_version
from ocop.rubric.validation import RubricValidationError

DEFAULT_RUBRIC = "26/2026"


def _error(vietnamese: str, english: str) -> CommandError:
    return CommandError(f"{vietnamese}\n{english}")


class _DuplicateCode(ValueError):
    pass


def _refuse_duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateCode(key)
        result[key] = value
    return result


def read_answer_file(path: str):
    """The parsed JSON of an answer file; duplicate keys are refused (one file, one meaning)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _error(f"Không tìm thấy tệp {path}.", f"File not found: {path}.") from None
    except IsADirectoryError:
        raise _error(f"{path} là thư mục, không phải tệp.", f"{path} is a folder.") from None
    except UnicodeDecodeError:
        raise _error(
            f"Tệp {path} không phải văn bản UTF-8.", f"File {path} is not UTF-8 text."
        ) from None
    except OSError as error:
        raise _error(
            f"Không đọc được tệp {path}: {error.strerror}.",
            f"Cannot read file {path}: {error.strerror}.",
        ) from None
    try:
        return json.loads(text, object_pairs_hook=_refuse_duplicates)
    except json.JSONDecodeError as error:
        raise _error(
            f"Tệp {path} không phải JSON hợp lệ (dòng {error.lineno}, cột {error.colno}).",
            f"File {path} is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}).",
        ) from None
    except _DuplicateCode as duplicate:
        code = duplicate.args[0]
        raise _error(
            f"Mã {code} xuất hiện hai lần trong tệp {path}; mỗi tiêu chí chỉ chọn một lựa chọn.",
            f"The code {code} appears twice in {path}; give each criterion one option.",
        ) from None


def _answer_error(error: AnswerError, member: int | None = None) -> CommandError:
    if member is None:
        return _error(str(error), error.message_en)
    return _error(
        f"Phiếu của thành viên thứ {member}: {error}",
        f"Sheet of member {member}: {error.message_en}",
    )


class Command(BaseCommand):
    help = (
        "Score an answer file ({code: option number}, or {'members': [...]} for a council) on "
        "one sheet of a rubric version and print the result as JSON."
    )
    # Standard output carries only the JSON result; system checks are not this command's job.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--set",
            dest="set",
            type=int,
            required=True,
            metavar="N",
            help="The scoring set (sheet) number, 1 to 26 in 26/2026.",
        )
        parser.add_argument("file", metavar="FILE.json", help="The answer file.")
        parser.add_argument(
            "--rubric",
            default=DEFAULT_RUBRIC,
            help="The rubric version, as code (26/2026) or slug (26-2026). Default 26/2026.",
        )
        parser.add_argument(
            "--knockout",
            action="append",
            default=[],
            metavar="RULE",
            help="A knock-out rule found to apply: 'dossier' or a criterion code. Repeatable.",
        )
        parser.add_argument(
            "--stop-at",
            metavar="CODE",
            help="The criterion whose stop note the evaluator found to apply.",
        )

    def handle(self, *args, **options):
        sheet = self._sheet(options["rubric"], options["set"])
        data = read_answer_file(options["file"])
        knockouts, stop_at = options["knockout"], options["stop_at"]
        try:
            if isinstance(data, dict) and "members" in data:
                members = self._members(data, sheet)
                result = score_council(sheet, members, knockouts=knockouts, stop_at=stop_at)
            elif isinstance(data, dict):
                result = score_sheet(sheet, data, knockouts=knockouts, stop_at=stop_at)
            else:
                raise _error(
                    'Tệp trả lời phải là một đối tượng JSON: {"1.1": 3, ...} hoặc '
                    '{"members": [...]}.',
                    'The answer file must be a JSON object: {"1.1": 3, ...} or {"members": [...]}.',
                )
        except AnswerError as error:
            raise _answer_error(error) from None
        self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False))

    def _sheet(self, rubric: str, number: int):
        try:
            slug, data_dir = resolve_version(rubric)
        except LookupError:
            known = ", ".join(slug.replace("-", "/") for slug in available_versions(data_dirs()))
            raise _error(
                f"Không có bộ tiêu chí {rubric} (hiện có: {known}).",
                f"Unknown rubric version {rubric} (available: {known}).",
            ) from None
        numbers = sheet_numbers(slug, data_dir)
        code = slug.replace("-", "/")
        if number not in numbers:
            raise _error(
                f"Bộ tiêu chí {code} không có phiếu số {number} (các phiếu từ 1 đến "
                f"{len(numbers)}).",
                f"Rubric {code} has no sheet {number} (its sheets are 1 to {len(numbers)}).",
            )
        try:
            return load_sheet(number, slug, data_dir)
        except RubricValidationError as error:
            raise _error(f"Dữ liệu của bộ tiêu chí {code} bị lỗi.", str(error)) from None

    def _members(self, data: dict, sheet) -> list[dict]:
        members = data["members"]
        others = sorted(key for key in data if key != "members")
        if others:
            raise _error(
                'Tệp của Hội đồng chỉ chứa khóa "members"; hãy đặt các câu trả lời vào '
                f"phiếu của từng thành viên (thừa: {', '.join(others)}).",
                'A council file holds only "members"; put the answers in each member\'s sheet '
                f"(extra keys: {', '.join(others)}).",
            )
        if not isinstance(members, list) or not members:
            raise _error(
                '"members" phải là danh sách không rỗng các phiếu chấm của thành viên.',
                '"members" must be a non-empty list of the members\' answers.',
            )
        for index, answers in enumerate(members, start=1):
            if not isinstance(answers, dict):
                raise _error(
                    f"Phiếu của thành viên thứ {index} phải là một đối tượng JSON "
                    '{"1.1": 3, ...}.',
                    f'The sheet of member {index} must be a JSON object {{"1.1": 3, ...}}.',
                )
            try:
                check_answers(sheet, answers)
            except AnswerError as error:
                raise _answer_error(error, index) from None
        return members
