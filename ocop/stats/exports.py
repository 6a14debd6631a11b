"""Tables as XLSX (openpyxl) and CSV downloads. A text cell that a spreadsheet would read as a
formula (it starts with = + - @, or a tab or carriage return) is neutralised with a leading
apostrophe, so a product named "=HYPERLINK(...)" stays text."""

import csv
import datetime
import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """A cell value safe to open in a spreadsheet; numbers and dates stay as they are."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal, datetime.date)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_bytes(columns, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(column) for column in columns])
    for row in rows:
        writer.writerow([_csv_value(neutralise(value)) for value in row])
    # With a byte-order mark, spreadsheet programs read the Vietnamese letters as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _xlsx_value(value):
    value = neutralise(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def xlsx_bytes(sheets) -> bytes:
    """``sheets``: (title, columns, rows) triples, one worksheet each."""
    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(_sheet_title(title, workbook.sheetnames))
        sheet.append([str(column) for column in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_xlsx_value(value) for value in row])
        for cell in sheet["A"][1:]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


#: Excel's longest worksheet name.
SHEET_TITLE_LENGTH = 31


def _sheet_title(title, used=()) -> str:
    """``title`` as a worksheet name: without the characters Excel refuses, cut at a word (with
    an ellipsis) to 31 characters, and numbered when ``used`` has it already."""
    text = " ".join(str(title).translate({ord(c): " " for c in "[]:*?/\\'"}).split()) or "Sheet"
    if len(text) > SHEET_TITLE_LENGTH:
        cut = text[: SHEET_TITLE_LENGTH - 1]
        if text[len(cut)] != " " and " " in cut:  # the cut is inside a word: drop that word
            cut = cut.rsplit(" ", 1)[0]
        text = cut.rstrip(" ,;.-") + "…"
    number, candidate = 2, text
    while candidate in used:
        suffix = f" ({number})"
        candidate = text[: SHEET_TITLE_LENGTH - len(suffix)] + suffix
        number += 1
    return candidate


def download(content: bytes, *, filename: str, fmt: str) -> HttpResponse:
    content_type = XLSX_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_download(table, *, stem: str, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        content = xlsx_bytes([(table.title, table.columns, table.rows)])
    else:
        content = csv_bytes(table.columns, table.rows)
    return download(content, filename=f"{stem}-{table.key}.{fmt}", fmt=fmt)
