"""The safe reader of an uploaded recognition list: the file's bytes in, rows of cells out.

Provinces kept their OCOP recognition lists for years in Excel workbooks (XLSX, or XLS from
older offices) and in CSV files saved by Excel. An upload is untrusted until read: it may be a
renamed picture, a password-protected workbook, a zip bomb, a few kilobytes that claim a sheet
of seventeen billion cells, or text in the Windows Vietnamese code page. :func:`read_table`
reads the first visible worksheet (or the CSV) into a :class:`Table`, or refuses the whole file
with a :class:`FileRefused` that tells the person who uploaded it what to do; nothing is
imported from a refused file.

What keeps it safe:

- The type comes from the content and must match the family that the extension names.
- An XLSX is measured before calamine reads it: every zip entry is inflated here and the bytes
  it really produces are counted (a zip header can lie about its size), and the extent of the
  worksheet is read from its XML. Calamine allocates the whole rectangle of cells a sheet
  spans, so a 5 KB file with values in A1 and XFD1048576 makes it ask for 512 GiB and abort
  the process, which no ``except`` can catch.
- An XLS is measured the same way from its BIFF records before calamine opens it, since
  calamine reads every sheet on opening and reserves memory from the counts the file gives.
- Formulas are never evaluated: a formula cell's value is the result Excel cached when the
  file was saved, and :attr:`Table.formula_cells` says which cells hold one, so that the
  caller can show that a value was computed rather than typed.
- Rows are counted as they are read, and reading stops once the limit is passed. Empty rows
  and cells count towards a budget of cells (``settings.IMPORT_MAX_CELLS``), so that a file
  of millions of them is refused in seconds rather than read for a minute.

One module, though long: it is one reader with one rule (refuse before reading), and its
XLSX, XLS and CSV paths share the limits, the cell checks and the messages.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import logging
import math
import posixpath
import re
import struct
import unicodedata
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import olefile
import python_calamine
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

KINDS_BY_EXTENSION = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".csv": "csv",
    ".txt": "csv",
}

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_ROWS = 50_000
# 50,000 rows of 100 columns; calamine holds every cell of the rectangle in 32 bytes.
DEFAULT_MAX_CELLS = 5_000_000
MAX_ZIP_ENTRIES = 10_000
MAX_COMPRESSION_RATIO = 100
# Small entries (styles, a short sheet of repeated cells) legitimately compress very well.
RATIO_CHECKED_ABOVE_BYTES = 1024 * 1024
INFLATE_CHUNK_BYTES = 1024 * 1024
# csv.Sniffer takes time quadratic in its sample on some inputs (16 KB of `,"` take a second).
SNIFF_CHARACTERS = 4096
BINARY_SAMPLE_CHARACTERS = 8192

OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
# Files that people upload by mistake; anything else that is not text fails to decode.
OTHER_BINARY_SIGNATURES = (
    b"\x89PNG",
    b"%PDF-",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!",
)
UTF16_BYTE_ORDER_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# C0 control characters other than tab, line feed and carriage return, and DEL.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")

# BIFF record types ([MS-XLS] 2.3).
BIFF_FORMULA = 0x0006
BIFF_EOF = 0x000A
BIFF_FILEPASS = 0x002F
BIFF_BOUNDSHEET = 0x0085
BIFF_MULRK = 0x00BD
BIFF_SST = 0x00FC
BIFF_DIMENSIONS = 0x0200
# Records that put a value in a cell, each starting with its row and column (uint16 each):
# FORMULA, MULRK, RSTRING, LABELSST, NUMBER, LABEL, BOOLERR, RK. (A STRING record holds a
# formula's text result, in the FORMULA's cell.)
BIFF_CELL_RECORDS = frozenset(
    {BIFF_FORMULA, BIFF_MULRK, 0x00D6, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E}
)


@dataclass(frozen=True)
class Table:
    """The cells of one worksheet (or CSV file), as read and not yet interpreted.

    ``rows`` holds every row that has at least one value, the header row included. In a
    workbook, column index 0 is column A whatever column the list starts in, so that column
    indexes match the letters the uploader sees; rows of a CSV file may differ in length. A
    cell is a stripped, NFC-normalised ``str``, an ``int``, a ``float``, a ``datetime.date``
    or ``datetime.datetime`` (for cells formatted as dates), a ``bool``, or ``None`` when
    empty. Excel error values (``#DIV/0!``) read as ``None``; a cell formatted as a time of
    day or a duration reads as its text (``"08:30:00"``).

    ``formula_cells`` holds the ``(index in rows, column index)`` of each cell that holds a
    formula, whose value in ``rows`` is the result Excel cached. ``row_numbers`` gives, for
    each row, its number in the sheet as the uploader counts rows (1-based, empty rows
    counted), so that messages about a row can name it.
    """

    kind: str
    sheet: str
    rows: list[list[object]]
    formula_cells: frozenset[tuple[int, int]]
    encoding: str = ""
    row_numbers: tuple[int, ...] = ()


class FileRefused(Exception):
    """The whole file is refused; nothing is imported. ``message`` is for the person who
    uploaded it (Vietnamese through gettext), ``code`` for the tests.

    ``message`` and ``params`` are kept apart, as in Django's ``ValidationError``, so that the
    message is translated in the language active when it is shown; ``str(error)`` gives it
    filled in, in the active language.
    """

    def __init__(self, message, *, code, params=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = params or {}

    def __str__(self):
        if self.params:
            return str(self.message) % self.params
        return str(self.message)


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_uncompressed_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED_BYTES)


def default_max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


def max_cells() -> int:
    return getattr(settings, "IMPORT_MAX_CELLS", DEFAULT_MAX_CELLS)


def read_table(data: bytes, filename: str, *, max_rows: int | None = None) -> Table:
    """Read the first visible worksheet of an XLSX or XLS file, or a CSV file.

    ``filename`` only says which family of file is expected (``.xlsx``/``.xlsm``, ``.xls``,
    ``.csv``/``.txt``); the content must belong to it. More than ``max_rows`` rows after the
    header (by default ``settings.IMPORT_MAX_ROWS``) refuse the file. Raises
    :class:`FileRefused` for any file that cannot be read, and nothing else.
    """
    if max_rows is None:
        max_rows = default_max_rows()
    expected_kind = _kind_from_extension(filename)
    if len(data) > max_bytes():
        raise FileRefused(
            _(
                "The file is larger than %(limit)s MB. Split the list into several files "
                "and upload them one by one."
            ),
            code="too_large",
            params={"limit": _megabytes(max_bytes())},
        )
    if not data:
        raise _empty_file()
    readers = {"xlsx": _read_xlsx, "xls": _read_xls, "csv": _read_csv}
    try:
        return readers[expected_kind](data, max_rows)
    except FileRefused:
        raise
    except python_calamine.PasswordError as error:
        raise _password_protected() from error
    except Exception as error:
        # Logged with the traceback, so that a fault of this module's own does not pass for
        # a damaged file unnoticed.
        logger.warning("Upload %r could not be read", filename, exc_info=True)
        raise _unreadable() from error
    except BaseException as error:
        # A panic inside calamine reaches Python as pyo3's PanicException, which derives
        # from BaseException and cannot be imported by name.
        if type(error).__name__ == "PanicException":
            logger.warning("Calamine panicked on upload %r", filename, exc_info=True)
            raise _unreadable() from error
        raise


# --------------------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------------------


def _wrong_type(expected_kind: str) -> FileRefused:
    return FileRefused(
        _(
            "The content of this file is not the %(kind)s file that its name says. Upload "
            "an Excel workbook (.xlsx or .xls) or a CSV file (.csv) as saved by Excel, "
            "without renaming it."
        ),
        code="wrong_type",
        params={"kind": expected_kind.upper()},
    )


def _password_protected() -> FileRefused:
    return FileRefused(
        _(
            "This workbook is protected by a password, so it cannot be read. Save a copy "
            "without the password and upload that copy."
        ),
        code="password",
    )


def _unreadable() -> FileRefused:
    return FileRefused(
        _(
            "The file could not be read; it may be damaged. Open it in Excel, save it again "
            "and upload the saved file."
        ),
        code="unreadable",
    )


def _empty_file() -> FileRefused:
    return FileRefused(_("The file is empty: it has no rows to import."), code="empty")


def _empty_sheet(sheet_name: str) -> FileRefused:
    return FileRefused(
        _("The sheet “%(sheet)s” is empty: it has no rows to import."),
        code="empty",
        params={"sheet": sheet_name},
    )


def _archive_too_large() -> FileRefused:
    return FileRefused(
        _(
            "The workbook unpacks to more than %(limit)s MB, or is packed in a way that "
            "cannot be read safely. Save it again from Excel, or split the list into "
            "several files."
        ),
        code="too_large",
        params={"limit": _megabytes(max_uncompressed_bytes())},
    )


def _sheet_too_large(sheet_name: str, last_row: int, last_column: int) -> FileRefused:
    return FileRefused(
        _(
            "The sheet “%(sheet)s” has content as far as cell %(cell)s, more than the "
            "%(limit)s cells that can be read. Delete whatever lies below or to the right "
            "of the list and upload the file again."
        ),
        code="too_large",
        params={
            "sheet": sheet_name,
            "cell": f"{column_letters(last_column)}{last_row + 1}",
            "limit": max_cells(),
        },
    )


def _control_character(row_number: int, column_index: int) -> FileRefused:
    return FileRefused(
        _(
            "Row %(row)s, column %(column)s holds a control character (an invisible "
            "character that is not text). Delete it and upload the file again."
        ),
        code="control_characters",
        params={"row": row_number, "column": column_letters(column_index)},
    )


def _too_many_rows(limit: int) -> FileRefused:
    return FileRefused(
        _(
            "The list has more than %(limit)s rows. Split it into files of at most "
            "%(limit)s rows each and upload them one by one."
        ),
        code="too_many_rows",
        params={"limit": limit},
    )


def _megabytes(size: int) -> int:
    return max(1, round(size / (1024 * 1024)))


def column_letters(column_index: int) -> str:
    """The letters Excel shows for a 0-based column index: 0 is A, 26 is AA."""
    letters = ""
    number = column_index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _kind_from_extension(filename: str) -> str:
    extension = posixpath.splitext(filename.strip().replace("\\", "/"))[1].lower()
    try:
        return KINDS_BY_EXTENSION[extension]
    except KeyError:
        raise FileRefused(
            _(
                "Files of this kind cannot be imported. Upload an Excel workbook (.xlsx or "
                ".xls) or a CSV file (.csv)."
            ),
            code="wrong_type",
        ) from None


# --------------------------------------------------------------------------------------
# Rows and cells, whatever the format
# --------------------------------------------------------------------------------------


class _RowCollector:
    """Keeps the non-empty rows, refusing the file as soon as the row limit is passed."""

    def __init__(self, max_rows: int):
        self.max_rows = max_rows
        self.rows: list[list[object]] = []
        self.row_numbers: list[int] = []

    def add(self, cells: list[object], row_number: int) -> None:
        if all(cell is None for cell in cells):
            return
        # The first row kept is the header; the ones after it are the data rows.
        if len(self.rows) > self.max_rows:
            raise _too_many_rows(self.max_rows)
        self.rows.append(cells)
        self.row_numbers.append(row_number)

    def formula_cells(self, positions: Iterable[tuple[int, int]]) -> frozenset[tuple[int, int]]:
        """The formula cells, from positions in the sheet (0-based) to indexes in ``rows``."""
        index_of_row = {number - 1: index for index, number in enumerate(self.row_numbers)}
        return frozenset(
            (index_of_row[row], column) for row, column in positions if row in index_of_row
        )


def _clean_text(text: str, row_number: int, column_index: int) -> str | None:
    if CONTROL_CHARACTER.search(text):
        raise _control_character(row_number, column_index)
    return unicodedata.normalize("NFC", text).strip() or None


def _clean_cell(value: object, row_number: int, column_index: int) -> object:
    """A value from calamine as a :class:`Table` cell (calamine gives "" for empty cells)."""
    if isinstance(value, str):
        return _clean_text(value, row_number, column_index)
    if isinstance(value, float) and not math.isfinite(value):
        # Excel cannot store these; only a damaged or forged file holds one.
        raise _unreadable()
    if isinstance(value, datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    return value


# --------------------------------------------------------------------------------------
# Workbooks, through calamine
# --------------------------------------------------------------------------------------


def _open_workbook(data: bytes) -> python_calamine.CalamineWorkbook:
    return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))


def _first_visible_worksheet(book: python_calamine.CalamineWorkbook) -> tuple[int, str]:
    """(position, name) of the sheet an official sees first on opening the workbook."""
    names = [sheet.name for sheet in book.sheets_metadata]
    if len(set(names)) != len(names):
        # Excel refuses two sheets of one name; which one a reader takes is anyone's guess.
        raise _unreadable()
    for position, sheet in enumerate(book.sheets_metadata):
        if (
            sheet.typ == python_calamine.SheetTypeEnum.WorkSheet
            and sheet.visible == python_calamine.SheetVisibleEnum.Visible
        ):
            return position, sheet.name
    raise FileRefused(_("The workbook has no visible worksheet to read."), code="empty")


def _read_sheet_rows(
    book: python_calamine.CalamineWorkbook, sheet_name: str, max_rows: int
) -> _RowCollector:
    sheet = book.get_sheet_by_name(sheet_name)
    if sheet.start is None:
        raise _empty_sheet(sheet_name)
    first_row, first_column = sheet.start
    collector = _RowCollector(max_rows)
    # python-calamine's iter_rows yields the rows above the data as empty rows, so the
    # position in the iteration is the row's index in the sheet; its rows start at the first
    # column with data.
    rows_seen = 0
    for row_index, values in enumerate(sheet.iter_rows()):
        rows_seen += 1
        cells = [
            _clean_cell(value, row_index + 1, first_column + offset)
            for offset, value in enumerate(values)
        ]
        collector.add([None] * first_column + cells, row_index + 1)
    if rows_seen != sheet.end[0] + 1:
        raise RuntimeError(
            f"python-calamine yielded {rows_seen} rows for a sheet ending on row "
            f"{sheet.end[0] + 1} (data from row {first_row + 1}): its iter_rows changed"
        )
    if not collector.rows:
        raise _empty_sheet(sheet_name)
    return collector


@dataclass
class _SheetScan:
    """What a sheet's own records say before calamine reads it (0-based positions)."""

    name: str = ""
    formula_positions: set[tuple[int, int]] = field(default_factory=set)
    last_row: int = -1
    last_column: int = -1

    def add_cell(self, row: int, column: int, *, has_value: bool, has_formula: bool) -> None:
        if has_value:
            self.last_row = max(self.last_row, row)
            self.last_column = max(self.last_column, column)
        if has_formula:
            self.formula_positions.add((row, column))

    def check_extent(self) -> None:
        """Refuse a sheet whose cells, counted from A1, are more than calamine may hold.

        Counting from A1 also bounds the empty rows that python-calamine yields above the
        data, and the columns this module adds on the left.
        """
        if self.last_row >= 0 and (self.last_row + 1) * (self.last_column + 1) > max_cells():
            raise _sheet_too_large(self.name, self.last_row, self.last_column)


# --------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    if data.startswith(OLE2_SIGNATURE) and _is_encrypted_ole(data):
        raise _password_protected()
    if not data.startswith(ZIP_SIGNATURES):
        raise _wrong_type("xlsx")
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise _wrong_type("xlsx")
    _check_archive_size(archive, data)
    _check_shared_strings(archive)

    book = _open_workbook(data)
    _position, sheet_name = _first_visible_worksheet(book)
    scan = _scan_worksheet_xml(archive, _worksheet_path(archive, sheet_name), sheet_name)
    scan.check_extent()
    collector = _read_sheet_rows(book, sheet_name, max_rows)
    return Table(
        kind="xlsx",
        sheet=sheet_name,
        rows=collector.rows,
        formula_cells=collector.formula_cells(scan.formula_positions),
        row_numbers=tuple(collector.row_numbers),
    )


def _check_archive_size(archive: zipfile.ZipFile, data: bytes) -> None:
    """Refuse a zip bomb: too many entries, too many bytes once inflated, or an entry that
    inflates more than a hundredfold.

    The sizes in the zip's headers are checked first, then every entry is inflated here and
    its real output counted, since the headers are written by whoever made the file.
    """
    entries = archive.infolist()
    limit = max_uncompressed_bytes()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _archive_too_large()
    if sum(entry.file_size for entry in entries) > limit:
        raise _archive_too_large()
    for entry in entries:
        if _is_too_compressed(entry.file_size, entry.compress_size):
            raise _archive_too_large()
    inflated_total = 0
    for entry in entries:
        inflated_total += _inflated_size(data, entry, limit - inflated_total)


def _is_too_compressed(inflated_size: int, compressed_size: int) -> bool:
    return (
        inflated_size > RATIO_CHECKED_ABOVE_BYTES
        and inflated_size > MAX_COMPRESSION_RATIO * compressed_size
    )


def _inflated_size(data: bytes, entry: zipfile.ZipInfo, allowance: int) -> int:
    """The bytes ``entry`` really inflates to, refusing the file once past ``allowance``."""
    if entry.flag_bits & 0x1:
        # Zip-level encryption: Excel never writes it, and calamine cannot read it.
        raise _unreadable()
    compressed = _compressed_bytes(data, entry)
    if entry.compress_type == zipfile.ZIP_STORED:
        if len(compressed) > allowance:
            raise _archive_too_large()
        return len(compressed)
    if entry.compress_type != zipfile.ZIP_DEFLATED:
        raise _unreadable()
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = 0
    pending = compressed
    while pending and not inflater.eof:
        size += len(inflater.decompress(pending, INFLATE_CHUNK_BYTES))
        if size > allowance or _is_too_compressed(size, len(compressed)):
            raise _archive_too_large()
        pending = inflater.unconsumed_tail
    return size


def _compressed_bytes(data: bytes, entry: zipfile.ZipInfo) -> memoryview:
    """The entry's compressed bytes, found through its local header as any zip reader does."""
    start = entry.header_offset
    header = data[start : start + 30]
    if len(header) < 30 or not header.startswith(b"PK\x03\x04"):
        raise _unreadable()
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    start += 30 + name_length + extra_length
    end = start + entry.compress_size
    if end > len(data):
        raise _unreadable()
    return memoryview(data)[start:end]


def _local_name(qualified_name: str) -> str:
    return qualified_name.rpartition(":")[2]


def _refuse_document_type(*_arguments) -> None:
    raise ValueError("document type declaration in an Office XML part")


def _parse_xml(archive: zipfile.ZipFile, path: str, *, on_start=None, on_end=None) -> None:
    """Stream an XML part through expat, calling ``on_start(name, attributes)`` and
    ``on_end(name)`` with each element's qualified name.

    No tree is built, so memory stays flat however large the part (and expat runs several
    times faster than ElementTree here: a second for a sheet of 50,000 rows). A document type
    declaration, which no Office part has, refuses the part, so no entity can be declared.
    """
    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_document_type
    if on_start is not None:
        parser.StartElementHandler = on_start
    if on_end is not None:
        parser.EndElementHandler = on_end
    with archive.open(path) as stream:
        parser.ParseFile(stream)


class _ElementFound(Exception):
    """Stops expat at the element looked for."""


def _find_element(archive: zipfile.ZipFile, path: str, local_name: str, **attributes: str):
    """The attributes of the first element named ``local_name`` that has these attribute
    values, or None."""

    def on_start(name, element_attributes):
        if _local_name(name) == local_name and all(
            element_attributes.get(key) == value for key, value in attributes.items()
        ):
            raise _ElementFound(element_attributes)

    try:
        _parse_xml(archive, path, on_start=on_start)
    except _ElementFound as found:
        return found.args[0]
    return None


def _worksheet_path(archive: zipfile.ZipFile, sheet_name: str) -> str:
    """The zip path of the worksheet named ``sheet_name``: workbook.xml gives the sheet's
    relationship id, and the workbook's relationships give the part it points to."""
    sheet = _find_element(archive, "xl/workbook.xml", "sheet", name=sheet_name)
    if sheet is None:
        raise ValueError(f"sheet {sheet_name!r} is not in xl/workbook.xml")
    relationship_id = next(
        (value for key, value in sheet.items() if ":" in key and _local_name(key) == "id"), ""
    )
    relationship = _find_element(
        archive, "xl/_rels/workbook.xml.rels", "Relationship", Id=relationship_id
    )
    if relationship is None:
        raise ValueError(f"no relationship {relationship_id!r} for sheet {sheet_name!r}")
    # Resolved as calamine resolves it, so that the part scanned is the part it reads.
    target = relationship.get("Target", "")
    if target.startswith("/xl/"):
        path = target[1:]
    elif target.startswith("xl/"):
        path = target
    else:
        path = f"xl/{target}"
    archive.getinfo(path)
    return path


def _check_shared_strings(archive: zipfile.ZipFile) -> None:
    """Calamine reserves room for as many strings as the shared string table's
    ``uniqueCount`` claims (4,000,000,000 make it abort): refuse a count that no real
    workbook has."""
    if "xl/sharedStrings.xml" not in archive.namelist():
        return
    table = _find_element(archive, "xl/sharedStrings.xml", "sst") or {}
    for attribute in ("count", "uniqueCount"):
        if int(table.get(attribute, "0")) > max_cells():
            raise ValueError(f"shared string table claims {table[attribute]} strings")


def _cell_position(reference: str) -> tuple[int, int]:
    match = CELL_REFERENCE.fullmatch(reference.upper())
    if match is None:
        raise ValueError(f"cell reference {reference!r}")
    letters, digits = match.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(digits) - 1, column - 1


class _WorksheetScanner:
    """Reads a worksheet's XML for its extent and its formula cells.

    A cell counts towards the extent when it has a value (``<v>`` or ``<is>``), as calamine
    counts it; it holds a formula when it has an ``<f>``, as a cell sharing another's formula
    does too (``<f t="shared" si="0"/>``). Rows and cells without an ``r`` attribute take
    the position after the previous one, as the format says.

    Every ``<c>``, formatted empty cells included, counts towards the budget of cells, so
    that reading stops early on a few megabytes that unpack to millions of empty cells
    (22 million took fifteen seconds to read).
    """

    def __init__(self, sheet_name: str):
        self.scan = _SheetScan(name=sheet_name)
        self.cell_budget = max_cells()
        self.cells_seen = 0
        self.row = -1
        self.column = -1
        self.in_cell = False
        self.has_value = False
        self.has_formula = False

    def on_start(self, name, attributes):
        name = _local_name(name)
        if name == "c":
            reference = attributes.get("r")
            if reference:
                self.row, self.column = _cell_position(reference)
            else:
                self.row, self.column = max(self.row, 0), self.column + 1
            self.in_cell = True
            self.has_value = self.has_formula = False
            self.cells_seen += 1
            if self.cells_seen > self.cell_budget:
                raise _sheet_too_large(self.scan.name, self.row, self.column)
        elif self.in_cell:
            self.has_value = self.has_value or name in ("v", "is")
            self.has_formula = self.has_formula or name == "f"
        elif name == "row":
            reference = attributes.get("r")
            self.row = int(reference) - 1 if reference else self.row + 1
            self.column = -1

    def on_end(self, name):
        if self.in_cell and _local_name(name) == "c":
            self.in_cell = False
            self.scan.add_cell(
                self.row, self.column, has_value=self.has_value, has_formula=self.has_formula
            )


def _scan_worksheet_xml(archive: zipfile.ZipFile, path: str, sheet_name: str) -> _SheetScan:
    scanner = _WorksheetScanner(sheet_name)
    _parse_xml(archive, path, on_start=scanner.on_start, on_end=scanner.on_end)
    return scanner.scan


def _is_encrypted_ole(data: bytes) -> bool:
    """Whether an OLE2 file is an encrypted Office Open XML package (a password-protected
    XLSX is stored so, whatever its name)."""
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        return ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage")


# --------------------------------------------------------------------------------------
# XLS
# --------------------------------------------------------------------------------------


def _read_xls(data: bytes, max_rows: int) -> Table:
    if not data.startswith(OLE2_SIGNATURE):
        raise _wrong_type("xls")
    # olefile reads bytes shorter than 1,536 as a path on the server: always pass a file.
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            raise _password_protected()
        stream_name = next((name for name in ("Workbook", "Book") if ole.exists(name)), None)
        if stream_name is None:
            raise _wrong_type("xls")
        workbook_stream = ole.openstream(stream_name).read()
    scans = _scan_biff_workbook(workbook_stream)

    book = _open_workbook(data)
    if len(scans) != len(book.sheets_metadata):
        raise ValueError("calamine and the BIFF records disagree on the sheets")
    position, sheet_name = _first_visible_worksheet(book)
    collector = _read_sheet_rows(book, sheet_name, max_rows)
    return Table(
        kind="xls",
        sheet=sheet_name,
        rows=collector.rows,
        formula_cells=collector.formula_cells(scans[position].formula_positions),
        row_numbers=tuple(collector.row_numbers),
    )


def _biff_records(stream: bytes, offset: int) -> Iterator[tuple[int, memoryview]]:
    """(type, payload) of each BIFF record from ``offset`` to the end of the stream."""
    view = memoryview(stream)
    while offset + 4 <= len(stream):
        record_type, length = struct.unpack_from("<HH", stream, offset)
        start = offset + 4
        offset = start + length
        if offset > len(stream):
            raise ValueError("BIFF record runs past the end of the stream")
        yield record_type, view[start:offset]


def _scan_biff_workbook(stream: bytes) -> list[_SheetScan]:
    """Every sheet of the workbook, in order, with its extent and formula cells, checked
    before calamine reads them all on opening the workbook.

    Refuses a workbook with a FILEPASS record (encrypted), a shared string table that
    claims more strings than the stream can hold, and any sheet too large to read, hidden or
    not.
    """
    sheets = []
    for record_type, payload in _biff_records(stream, 0):
        if record_type == BIFF_FILEPASS:
            raise _password_protected()
        if record_type == BIFF_BOUNDSHEET:
            if len(payload) < 8:
                raise ValueError("short BOUNDSHEET record")
            (offset,) = struct.unpack_from("<I", payload, 0)
            sheets.append((offset, _biff_sheet_name(payload[6:])))
        elif record_type == BIFF_SST:
            if len(payload) < 8:
                raise ValueError("short SST record")
            (string_count,) = struct.unpack_from("<i", payload, 4)
            # Every string takes at least 3 bytes (its length and flags), so a larger count
            # is forged; calamine versions differ in how far they trust it.
            if not 0 <= string_count <= len(stream) // 3:
                raise ValueError(f"SST claims {string_count} strings")
        elif record_type == BIFF_EOF:
            break
    scans = []
    for offset, name in sheets:
        scan = _scan_biff_sheet(stream, offset, name)
        scan.check_extent()
        scans.append(scan)
    return scans


def _biff_sheet_name(short_string: memoryview) -> str:
    """The name in a BOUNDSHEET record, for messages only (calamine's is the one used)."""
    length = short_string[0]
    if short_string[1] & 0x1:
        return bytes(short_string[2 : 2 + 2 * length]).decode("utf-16-le", errors="replace")
    return bytes(short_string[2 : 2 + length]).decode("latin-1")


def _scan_biff_sheet(stream: bytes, offset: int, name: str) -> _SheetScan:
    """Walk a sheet's substream from its BOF to the first EOF, as calamine does.

    A FORMULA record holds a formula and its cached result; a string result follows in a
    STRING record, which calamine puts in the same cell.
    """
    if offset >= len(stream):
        raise ValueError("BOUNDSHEET points past the end of the stream")
    scan = _SheetScan(name=name)
    for record_type, payload in _biff_records(stream, offset):
        if record_type == BIFF_EOF:
            break
        if record_type == BIFF_DIMENSIONS:
            _check_biff_dimensions(name, payload)
        elif record_type in BIFF_CELL_RECORDS and len(payload) >= 4:
            row, column = struct.unpack_from("<HH", payload, 0)
            if record_type == BIFF_MULRK and len(payload) >= 6:
                (last_column,) = struct.unpack_from("<H", payload, len(payload) - 2)
                column = max(column, last_column)
            scan.add_cell(row, column, has_value=True, has_formula=record_type == BIFF_FORMULA)
    return scan


def _check_biff_dimensions(sheet_name: str, payload: memoryview) -> None:
    """Calamine reserves room for the DIMENSIONS rectangle's cells: refuse a forged one."""
    if len(payload) == 14:
        first_row, row_after, first_column, column_after = struct.unpack_from("<IIHH", payload)
    elif len(payload) == 10:
        first_row, row_after, first_column, column_after = struct.unpack_from("<HHHH", payload)
    else:
        return
    if row_after >= 1 and column_after >= 1:
        last_row, last_column = row_after - 1, column_after - 1
    else:
        last_row, last_column = first_row, first_column
    if last_row < first_row or last_column < first_column:
        raise ValueError("DIMENSIONS record ends before it starts")
    if (last_row - first_row + 1) * (last_column - first_column + 1) > max_cells():
        raise _sheet_too_large(sheet_name, last_row, last_column)


# --------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------


def _read_csv(data: bytes, max_rows: int) -> Table:
    if data.startswith((*ZIP_SIGNATURES, OLE2_SIGNATURE, *OTHER_BINARY_SIGNATURES)):
        raise _wrong_type("csv")
    if data.startswith(UTF16_BYTE_ORDER_MARKS):
        raise FileRefused(
            _(
                "This text file is saved as UTF-16 (“Unicode Text”), which cannot be read. "
                "In Excel, save it as “CSV UTF-8 (Comma delimited)” and upload that file."
            ),
            code="unreadable",
        )
    text, encoding = _decode(data)
    if _looks_binary(text):
        raise _wrong_type("csv")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    collector = _RowCollector(max_rows)
    # Empty rows and cells are not rows of the list, but reading them takes time: 20 MB of
    # blank lines would take ten seconds. They count towards the same budget of cells as a
    # workbook's rectangle.
    cell_budget = max_cells()
    cells_read = 0
    # Excel shows each record as one row, blank lines included, whatever its line breaks.
    for row_number, fields in enumerate(reader, start=1):
        cells_read += max(1, len(fields))
        if cells_read > cell_budget:
            raise FileRefused(
                _(
                    "The file has more than %(limit)s cells, empty ones included, more than "
                    "can be read. Delete the empty rows and columns around the list and "
                    "upload the file again."
                ),
                code="too_large",
                params={"limit": cell_budget},
            )
        cells = [
            _clean_text(value, row_number, column_index)
            for column_index, value in enumerate(fields)
        ]
        collector.add(cells, row_number)
    if not collector.rows:
        raise _empty_file()
    return Table(
        kind="csv",
        sheet="",
        rows=collector.rows,
        formula_cells=frozenset(),
        encoding=encoding,
        row_numbers=tuple(collector.row_numbers),
    )


def _decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without a byte order mark), else Windows-1258: Excel in Vietnam saves
    "CSV (Comma delimited)" in the Windows code page, with tone marks as combining
    characters (which ``_clean_text`` composes)."""
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258"), "cp1258"
    except UnicodeDecodeError:
        raise _wrong_type("csv") from None


def _looks_binary(text: str) -> bool:
    """Whether decoded "text" is in fact binary: control characters make over a tenth of
    its start. A text with a stray control character is refused later, naming the cell."""
    sample = text[:BINARY_SAMPLE_CHARACTERS]
    control_characters = len(CONTROL_CHARACTER.findall(sample))
    return control_characters >= 8 and control_characters * 10 > len(sample)


def _delimiter(text: str) -> str:
    """The delimiter among comma, semicolon (Excel's where the decimal mark is a comma, as in
    Vietnam) and tab, guessed from the first lines; comma when the guess fails."""
    # The Sniffer expects lines ending in "\n" alone; Excel ends them in "\r\n".
    sample = text[:SNIFF_CHARACTERS].replace("\r\n", "\n").replace("\r", "\n")
    last_line_break = sample.rfind("\n")
    if last_line_break > 0:
        sample = sample[:last_line_break]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return ","
    return delimiter if delimiter in (",", ";", "\t") else ","
