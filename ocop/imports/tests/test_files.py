"""The safe reader of uploaded recognition lists (``ocop.imports.files.read_table``).

Every XLSX and CSV is built here: XLSX through openpyxl, or by writing the worksheet XML into
an openpyxl workbook where a test needs what openpyxl does not write (cached formula
results, control characters, forged counts). The XLS files and the encrypted workbooks come
from ``data/`` (its README says how each was made).
"""

import datetime
import io
import pathlib
import random
import re
import struct
import time
import unicodedata
import zipfile

import olefile
import openpyxl
import pytest

from ocop.imports.files import FileRefused, Table, read_table

DATA = pathlib.Path(__file__).parent / "data"

HEADER = ["STT", "Tên sản phẩm", "Chủ thể", "Ngày quyết định"]
TEA = [1, "Trà Shan tuyết Hà Giang", "HTX Chè Ngọc Lâm", datetime.date(2023, 5, 15)]
HONEY = [2, "Mật ong bạc hà", "Công ty Cổ phần Đồng Văn", datetime.date(2022, 11, 2)]

CSV_TEXT = (
    "STT;Tên sản phẩm;Chủ thể\r\n"
    "1;Trà Shan tuyết Hà Giang;HTX Chè Ngọc Lâm\r\n"
    "\r\n"
    '2;Mật ong bạc hà;"Công ty Cổ phần Đồng Văn; Hà Giang"\r\n'
)
CSV_ROWS = [
    ["STT", "Tên sản phẩm", "Chủ thể"],
    ["1", "Trà Shan tuyết Hà Giang", "HTX Chè Ngọc Lâm"],
    ["2", "Mật ong bạc hà", "Công ty Cổ phần Đồng Văn; Hà Giang"],
]

SPREADSHEET_NAMESPACE = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def fixture(name):
    return (DATA / name).read_bytes()


def refusal(data, filename, **kwargs):
    with pytest.raises(FileRefused) as caught:
        read_table(data, filename, **kwargs)
    return caught.value


def workbook_bytes(fill):
    """An XLSX written by openpyxl; ``fill(workbook)`` puts the content in."""
    workbook = openpyxl.Workbook()
    fill(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def recognition_list(workbook):
    sheet = workbook.active
    sheet.title = "Danh sách"
    for row in (HEADER, TEA, HONEY):
        sheet.append(row)


def replace_parts(data, parts):
    """The zip ``data`` with some parts replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            archive.writestr(name, parts[name] if name in parts else source.read(name))
        for name, content in parts.items():
            if name not in source.namelist():
                archive.writestr(name, content)
    return output.getvalue()


def workbook_with_sheet_xml(sheet_data, parts=None):
    """An XLSX whose only worksheet holds ``sheet_data`` (the inside of ``<sheetData>``)."""
    worksheet = (
        f'<worksheet xmlns="{SPREADSHEET_NAMESPACE}"><sheetData>{sheet_data}</sheetData>'
        "</worksheet>"
    )
    return replace_parts(
        workbook_bytes(lambda workbook: None),
        {"xl/worksheets/sheet1.xml": worksheet.encode(), **(parts or {})},
    )


def inline(reference, text):
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def number(reference, value):
    return f'<c r="{reference}"><v>{value}</v></c>'


def windows_vietnamese(text):
    """``text`` as Excel in Vietnam saves CSV: Windows-1258, which has the letters with a
    circumflex, breve or horn but puts each tone mark after its letter."""
    tone_marks = "\u0300\u0301\u0303\u0309\u0323"
    encoded = b""
    for character in text:
        decomposed = unicodedata.normalize("NFD", character)
        letter = unicodedata.normalize(
            "NFC", "".join(mark for mark in decomposed if mark not in tone_marks)
        )
        tones = "".join(mark for mark in decomposed if mark in tone_marks)
        encoded += (letter + tones).encode("cp1258")
    return encoded


def with_declared_size(data, name, declared_size):
    """The zip ``data`` with the uncompressed size of entry ``name`` rewritten in both of its
    headers, as a forger would."""
    forged = bytearray(data)
    entry = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    struct.pack_into("<I", forged, entry.header_offset + 22, declared_size)
    for match in re.finditer(rb"PK\x01\x02", data):
        (name_length,) = struct.unpack_from("<H", data, match.start() + 28)
        if data[match.start() + 46 : match.start() + 46 + name_length] == name.encode():
            struct.pack_into("<I", forged, match.start() + 24, declared_size)
    return bytes(forged)


def forge_workbook_stream(data, record_type, change):
    """The XLS ``data`` with the payload of the first BIFF record of ``record_type``
    rewritten in place by ``change(payload)``."""
    stream = olefile.OleFileIO(io.BytesIO(data)).openstream("Workbook").read()
    base = data.find(stream[:512])
    assert data[base : base + len(stream)] == stream, "the fixture's stream is not contiguous"
    forged = bytearray(data)
    offset = 0
    while offset + 4 <= len(stream):
        found_type, length = struct.unpack_from("<HH", stream, offset)
        if found_type == record_type:
            start = base + offset + 4
            forged[start : start + length] = change(bytearray(stream[offset + 4 :][:length]))
            return bytes(forged)
        offset += 4 + length
    raise AssertionError(f"no record of type {record_type:#06x}")


# --------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------


def test_xlsx_reads_the_first_visible_sheet_with_its_text_numbers_and_dates():
    def fill(workbook):
        hidden = workbook.active
        hidden.title = "Ẩn"
        hidden["A1"] = "không được đọc trang này"
        hidden.sheet_state = "hidden"
        sheet = workbook.create_sheet("Danh sách")
        sheet.append(HEADER)
        sheet.append(TEA)
        sheet.append([])
        sheet.append([*HONEY, datetime.datetime(2022, 11, 2, 14, 30), True, 2.5])

    table = read_table(workbook_bytes(fill), "danh-sach.xlsx")

    assert table.kind == "xlsx"
    assert table.sheet == "Danh sách"
    assert table.rows == [
        [*HEADER, None, None, None],
        [*TEA, None, None, None],
        [*HONEY, datetime.datetime(2022, 11, 2, 14, 30), True, 2.5],
    ]
    assert type(table.rows[1][3]) is datetime.date
    assert table.row_numbers == (1, 2, 4)
    assert table.formula_cells == frozenset()
    assert table.encoding == ""


def test_xlsx_text_is_stripped_and_composed_and_empty_cells_are_none():
    decomposed = unicodedata.normalize("NFD", "Trà Shan tuyết")
    assert decomposed != "Trà Shan tuyết"

    def fill(workbook):
        workbook.active.append(["Tên sản phẩm", "Ghi chú"])
        workbook.active.append([f"  {decomposed}\n", "   "])

    table = read_table(workbook_bytes(fill), "a.xlsx")

    assert table.rows == [["Tên sản phẩm", "Ghi chú"], ["Trà Shan tuyết", None]]


def test_xlsx_columns_are_indexed_from_column_a_wherever_the_list_starts():
    def fill(workbook):
        workbook.active["C3"] = "Tên sản phẩm"
        workbook.active["C4"] = "Mật ong bạc hà"

    table = read_table(workbook_bytes(fill), "a.xlsx")

    assert table.rows == [[None, None, "Tên sản phẩm"], [None, None, "Mật ong bạc hà"]]
    assert table.row_numbers == (3, 4)


def test_xlsm_files_are_read_as_xlsx_whatever_the_case_and_path_of_the_name():
    table = read_table(workbook_bytes(recognition_list), "C:\\Báo cáo\\DANH SACH 2023.XLSM ")

    assert table.kind == "xlsx"
    assert table.rows[1] == TEA


def test_xlsx_formula_cells_keep_their_cached_values_and_are_listed():
    # Rows 1 and 4 are empty and dropped, so the sheet's rows 2, 3, 5 and 6 are rows 0 to 3.
    sheet_data = (
        f'<row r="2">{inline("B2", "Tên sản phẩm")}{inline("C2", "Số sao")}'
        f"{inline('D2', 'Điểm')}{inline('E2', 'Kết quả')}</row>"
        f'<row r="3">{inline("B3", "Trà Shan tuyết")}{number("C3", 4)}'
        '<c r="D3"><f t="shared" ref="D3:D6" si="0">C3*20</f><v>80</v></c>'
        '<c r="E3" t="str"><f>IF(C3&gt;=3,"Đạt","")</f><v>Đạt</v></c></row>'
        f'<row r="4"><c r="B4" s="1"/></row>'
        f'<row r="5">{inline("B5", "Mật ong bạc hà")}{number("C5", 3)}'
        '<c r="D5"><f t="shared" si="0"/><v>60</v></c></row>'
        f'<row r="6">{inline("B6", "Cà phê Sơn La")}{number("C6", 2)}'
        '<c r="D6"><f t="shared" si="0"/><v>40</v></c></row>'
    )

    table = read_table(workbook_with_sheet_xml(sheet_data), "a.xlsx")

    assert table.rows == [
        [None, "Tên sản phẩm", "Số sao", "Điểm", "Kết quả"],
        [None, "Trà Shan tuyết", 4, 80, "Đạt"],
        [None, "Mật ong bạc hà", 3, 60, None],
        [None, "Cà phê Sơn La", 2, 40, None],
    ]
    assert table.row_numbers == (2, 3, 5, 6)
    assert table.formula_cells == {(1, 3), (1, 4), (2, 3), (3, 3)}


def test_xlsx_rows_and_cells_without_references_take_the_next_position():
    sheet_data = (
        '<row><c t="inlineStr"><is><t>Tên sản phẩm</t></is></c><c t="inlineStr">'
        "<is><t>Điểm</t></is></c></row>"
        '<row><c t="inlineStr"><is><t>Trà xanh</t></is></c><c><f>1+1</f><v>2</v></c></row>'
    )

    table = read_table(workbook_with_sheet_xml(sheet_data), "a.xlsx")

    assert table.rows == [["Tên sản phẩm", "Điểm"], ["Trà xanh", 2]]
    assert table.formula_cells == {(1, 1)}


def test_xlsx_error_values_read_as_empty_and_times_as_text():
    def fill(workbook):
        workbook.active.append(["Tên sản phẩm", "Giờ", "Điểm"])
        workbook.active.append(["Trà xanh", datetime.time(8, 30), "=1/0"])

    sheet = workbook_bytes(fill)
    # openpyxl writes no cached result; Excel would have written #DIV/0!.
    with zipfile.ZipFile(io.BytesIO(sheet)) as archive:
        worksheet = archive.read("xl/worksheets/sheet1.xml")
    worksheet = worksheet.replace(b"<f>1/0</f><v></v>", b"<f>1/0</f><v>#DIV/0!</v>")
    worksheet = re.sub(rb'<c r="C2"([^>]*)>', rb'<c r="C2"\1 t="e">', worksheet)

    table = read_table(replace_parts(sheet, {"xl/worksheets/sheet1.xml": worksheet}), "a.xlsx")

    assert table.rows == [["Tên sản phẩm", "Giờ", "Điểm"], ["Trà xanh", "08:30:00", None]]
    assert table.formula_cells == {(1, 2)}


def test_header_only_files_are_read():
    header_only = workbook_bytes(lambda workbook: workbook.active.append(HEADER))

    assert read_table(header_only, "a.xlsx").rows == [HEADER]
    assert read_table("STT,Tên sản phẩm\r\n".encode(), "a.csv").rows == [["STT", "Tên sản phẩm"]]


def test_a_workbook_whose_sheet_is_empty_is_refused():
    error = refusal(workbook_bytes(lambda workbook: None), "a.xlsx")

    assert error.code == "empty"
    assert "Sheet" in str(error)


def test_a_workbook_without_a_visible_worksheet_is_refused():
    data = workbook_bytes(recognition_list)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook_xml = archive.read("xl/workbook.xml")
    hidden = workbook_xml.replace(b'state="visible"', b'state="hidden"')
    assert hidden != workbook_xml

    error = refusal(replace_parts(data, {"xl/workbook.xml": hidden}), "a.xlsx")

    assert error.code == "empty"


# --------------------------------------------------------------------------------------
# XLS
# --------------------------------------------------------------------------------------


def test_xls_reads_the_first_visible_sheet_with_dates_and_cached_formula_results():
    table = read_table(fixture("recognitions.xls"), "danh-sach.xls")

    assert table.kind == "xls"
    assert table.sheet == "Danh sách"
    assert table.rows == [
        ["STT", "Tên sản phẩm", "Chủ thể", "Số sao", "Ngày quyết định", "Sao nhân đôi"],
        [1, "Trà Shan tuyết Hà Giang", "HTX Chè Ngọc Lâm", 4, datetime.date(2023, 5, 15), 8.0],
        [2, "Mật ong bạc hà", "Công ty Cổ phần Đồng Văn", 3, datetime.date(2022, 11, 2), 6.0],
    ]
    assert table.row_numbers == (2, 3, 5)
    # The formula of the sheet "Khác" (A1+1, in B1) is not this sheet's.
    assert table.formula_cells == {(1, 5), (2, 5)}


# --------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CSV_TEXT.encode("utf-8-sig"), "utf-8-sig"),
        (CSV_TEXT.encode("utf-8"), "utf-8"),
        (windows_vietnamese(CSV_TEXT), "cp1258"),
    ],
    ids=["utf-8 with a byte order mark", "utf-8", "windows-1258"],
)
def test_csv_vietnamese_text_survives_each_encoding(data, encoding):
    table = read_table(data, "danh-sach.csv")

    assert table.kind == "csv"
    assert table.sheet == ""
    assert table.encoding == encoding
    assert table.rows == CSV_ROWS
    assert table.row_numbers == (1, 2, 4)
    assert table.formula_cells == frozenset()


def test_windows_1258_tone_marks_are_composed():
    data = windows_vietnamese("Tên sản phẩm\r\nMật ong bạc hà\r\n")
    # Precondition: the code page keeps the tone marks apart from their letters.
    assert data.decode("cp1258") != unicodedata.normalize("NFC", data.decode("cp1258"))

    assert read_table(data, "a.csv").rows == [["Tên sản phẩm"], ["Mật ong bạc hà"]]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_csv_delimiter_is_detected(delimiter):
    text = "".join(
        delimiter.join(cells) + "\r\n"
        for cells in (["STT", "Tên sản phẩm", "Điểm"], ["1", "Trà xanh", "7,5"])
    )
    if delimiter == ",":
        text = text.replace("7,5", '"7,5"')

    table = read_table(text.encode(), "a.txt")

    assert table.rows == [["STT", "Tên sản phẩm", "Điểm"], ["1", "Trà xanh", "7,5"]]


def test_csv_with_one_column_is_read_with_commas():
    table = read_table("Tên sản phẩm\nTrà xanh\nMật ong\n".encode(), "a.csv")

    assert table.rows == [["Tên sản phẩm"], ["Trà xanh"], ["Mật ong"]]


def test_csv_cells_are_strings_and_a_quoted_line_break_stays_in_its_row():
    text = 'STT,Địa chỉ,Ghi chú\n1,"Thôn Nà Hẩu\nxã Đồng Văn",\n2,,"  "\n'

    table = read_table(text.encode(), "a.csv")

    assert table.rows == [
        ["STT", "Địa chỉ", "Ghi chú"],
        ["1", "Thôn Nà Hẩu\nxã Đồng Văn", None],
        ["2", None, None],
    ]
    assert table.row_numbers == (1, 2, 3)


def test_utf16_text_is_refused_with_a_way_to_save_it():
    error = refusal("STT\tTên sản phẩm\r\n".encode("utf-16"), "a.txt")

    assert error.code == "unreadable"
    assert "UTF-8" in str(error)


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b",,\r\n,,\r\n", b" ; ;\r\n"], ids=repr)
def test_a_csv_without_values_is_refused(data):
    assert refusal(data, "a.csv").code == "empty"


# --------------------------------------------------------------------------------------
# Types by content
# --------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
RANDOM = random.Random(13).randbytes(4096)


def docx_like():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return output.getvalue()


@pytest.mark.parametrize(
    ("make_data", "filename"),
    [
        (lambda: PNG, "a.xlsx"),
        (lambda: PDF, "a.xlsx"),
        (docx_like, "a.xlsx"),
        (lambda: RANDOM, "a.xlsx"),
        (lambda: CSV_TEXT.encode(), "a.xlsx"),
        (lambda: fixture("recognitions.xls"), "a.xlsx"),
        (lambda: workbook_bytes(recognition_list), "a.xls"),
        (lambda: CSV_TEXT.encode(), "a.xls"),
        (lambda: RANDOM, "a.xls"),
        (lambda: PNG, "a.csv"),
        (lambda: PDF, "a.csv"),
        (lambda: workbook_bytes(recognition_list), "a.csv"),
        (lambda: fixture("recognitions.xls"), "a.txt"),
        (lambda: RANDOM, "a.csv"),
    ],
    ids=[
        "png as xlsx",
        "pdf as xlsx",
        "docx as xlsx",
        "random bytes as xlsx",
        "csv as xlsx",
        "xls as xlsx",
        "xlsx as xls",
        "csv as xls",
        "random bytes as xls",
        "png as csv",
        "pdf as csv",
        "xlsx as csv",
        "xls as txt",
        "random bytes as csv",
    ],
)
def test_content_that_is_not_what_the_extension_says_is_refused(make_data, filename):
    error = refusal(make_data(), filename)

    assert error.code == "wrong_type"
    assert all(extension in str(error) for extension in (".xlsx", ".xls", ".csv"))


def test_binary_that_happens_to_decode_as_windows_1258_is_not_taken_for_text():
    undefined_in_windows_1258 = {0x81, 0x8A, 0x8D, 0x8E, 0x8F, 0x90, 0x9A, 0x9D, 0x9E}
    rng = random.Random(1258)
    data = bytes(
        byte
        for byte in rng.randbytes(4096)
        if byte not in undefined_in_windows_1258 and byte != 0x00
    )
    data.decode("cp1258")  # Precondition: it decodes.

    assert refusal(data, "a.csv").code == "wrong_type"


@pytest.mark.parametrize("filename", ["a.ods", "a.pdf", "a.xlsb", "danh-sach", "a.xlsx.exe"])
def test_other_extensions_are_refused(filename):
    error = refusal(workbook_bytes(recognition_list), filename)

    assert error.code == "wrong_type"
    assert all(extension in str(error) for extension in (".xlsx", ".xls", ".csv"))


# --------------------------------------------------------------------------------------
# Passwords
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("encrypted.xlsx", "a.xlsx"),
        ("encrypted.xlsx", "a.xls"),
        ("encrypted.xls", "a.xls"),
    ],
)
def test_password_protected_workbooks_are_refused(name, filename):
    error = refusal(fixture(name), filename)

    assert error.code == "password"
    assert "without the password" in str(error)


# --------------------------------------------------------------------------------------
# Sizes
# --------------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 100

    assert refusal(CSV_TEXT.encode(), "a.csv").code == "too_large"


def test_a_csv_of_more_cells_than_the_limit_is_refused_empty_ones_included(settings):
    settings.IMPORT_MAX_CELLS = 10
    # Six cells, then blank lines, each counted as one cell.
    data = b"STT,Ten\r\n1,Tra\r\n2,Mat ong\r\n"

    assert len(read_table(data + b"\r\n" * 4, "a.csv").rows) == 3

    error = refusal(data + b"\r\n" * 5, "a.csv")

    assert error.code == "too_large"
    assert error.params == {"limit": 10}


def test_a_zip_bomb_of_300_mb_of_zeros_is_refused():
    output = io.BytesIO(workbook_bytes(recognition_list))
    with (
        zipfile.ZipFile(output, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/image1.bin", "w", force_zip64=True) as entry,
    ):
        for _ in range(300):
            entry.write(bytes(1024 * 1024))

    error = refusal(output.getvalue(), "a.xlsx")

    assert error.code == "too_large"
    assert "200 MB" in str(error)


def test_an_entry_whose_headers_hide_its_size_is_measured_by_inflating_it():
    data = replace_parts(
        workbook_bytes(recognition_list), {"xl/media/image1.bin": bytes(20 * 1024 * 1024)}
    )
    forged = with_declared_size(data, "xl/media/image1.bin", 1000)
    entry = zipfile.ZipFile(io.BytesIO(forged)).getinfo("xl/media/image1.bin")
    # Precondition: by its headers, the entry is small and not compressed a hundredfold.
    assert entry.file_size == 1000 < 100 * entry.compress_size

    assert refusal(forged, "a.xlsx").code == "too_large"


def test_a_workbook_over_the_uncompressed_limit_is_refused(settings):
    data = workbook_bytes(recognition_list)
    unpacked = sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(data)).infolist())
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = unpacked - 1

    assert refusal(data, "a.xlsx").code == "too_large"

    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = unpacked
    assert read_table(data, "a.xlsx").rows[1] == TEA


def test_a_workbook_of_more_than_10000_entries_is_refused():
    output = io.BytesIO(workbook_bytes(recognition_list))
    with zipfile.ZipFile(output, "a") as archive:
        for index in range(10_000):
            archive.writestr(f"customXml/item{index}.xml", "")

    assert refusal(output.getvalue(), "a.xlsx").code == "too_large"


def test_a_sheet_reaching_cell_xfd1048576_is_refused_before_calamine_allocates_it():
    # 5 KB; calamine would ask for 512 GiB, fail and abort the whole process.
    sheet_data = (
        f'<row r="1">{number("A1", 1)}</row><row r="1048576">{number("XFD1048576", 2)}</row>'
    )

    error = refusal(workbook_with_sheet_xml(sheet_data), "a.xlsx")

    assert error.code == "too_large"
    assert error.params["cell"] == "XFD1048576"


def test_the_cells_of_a_sheet_are_counted_from_a1_up_to_its_last_value(settings):
    def fill(workbook):
        workbook.active.title = "Danh sách"
        workbook.active["A1"] = "Tên sản phẩm"
        workbook.active["D3"] = "Trà xanh"

    data = workbook_bytes(fill)
    settings.IMPORT_MAX_CELLS = 12
    assert len(read_table(data, "a.xlsx").rows) == 2

    settings.IMPORT_MAX_CELLS = 11
    error = refusal(data, "a.xlsx")

    assert error.code == "too_large"
    assert error.params == {"sheet": "Danh sách", "cell": "D3", "limit": 11}


def test_formatted_empty_cells_count_towards_the_cell_limit(settings):
    settings.IMPORT_MAX_CELLS = 10

    def sheet_data(last_row):
        formatted = "".join(
            f'<row r="{row}"><c r="B{row}" s="1"/></row>' for row in range(2, last_row + 1)
        )
        return f'<row r="1">{inline("A1", "Tên sản phẩm")}</row>{formatted}'

    table = read_table(workbook_with_sheet_xml(sheet_data(10)), "a.xlsx")
    assert table.rows == [["Tên sản phẩm"]]

    error = refusal(workbook_with_sheet_xml(sheet_data(11)), "a.xlsx")

    assert error.code == "too_large"
    assert error.params["cell"] == "B11"


def test_a_shared_string_table_claiming_billions_of_strings_is_refused():
    shared_strings = (
        f'<sst xmlns="{SPREADSHEET_NAMESPACE}" count="1" uniqueCount="4000000000">'
        "<si><t>Trà xanh</t></si></sst>"
    )
    data = workbook_with_sheet_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        {"xl/sharedStrings.xml": shared_strings.encode()},
    )

    assert refusal(data, "a.xlsx").code == "unreadable"


def test_an_xls_with_a_forged_dimensions_record_is_refused():
    def four_billion_rows(payload):
        struct.pack_into("<IIHH", payload, 0, 0, 0xFFFFFFFF, 0, 256)
        return payload

    forged = forge_workbook_stream(fixture("recognitions.xls"), 0x0200, four_billion_rows)

    error = refusal(forged, "a.xls")

    assert error.code == "too_large"
    assert error.params["sheet"] == "Ẩn"


def test_an_xls_is_refused_for_a_far_cell_even_in_a_hidden_sheet():
    def last_cell(payload):
        struct.pack_into("<HH", payload, 0, 65535, 255)
        return payload

    # The first LABELSST record is cell A1 of the hidden sheet "Ẩn".
    forged = forge_workbook_stream(fixture("recognitions.xls"), 0x00FD, last_cell)

    error = refusal(forged, "a.xls")

    assert error.code == "too_large"
    assert error.params == {"sheet": "Ẩn", "cell": "IV65536", "limit": 5_000_000}


def test_an_xls_whose_string_table_claims_more_strings_than_it_holds_is_refused():
    def huge_count(payload):
        struct.pack_into("<i", payload, 4, 0x7FFFFFFF)
        return payload

    forged = forge_workbook_stream(fixture("recognitions.xls"), 0x00FC, huge_count)

    assert refusal(forged, "a.xls").code == "unreadable"


# --------------------------------------------------------------------------------------
# Control characters
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f"], ids=repr)
def test_a_control_character_in_a_csv_is_refused_naming_its_cell(character):
    text = f"STT,Tên sản phẩm\r\n1,Trà xanh\r\n\r\n2,Cà phê{character} Sơn La\r\n"

    error = refusal(text.encode(), "a.csv")

    assert error.code == "control_characters"
    assert error.params == {"row": 4, "column": "B"}
    assert str(error).startswith("Row 4, column B")


def test_tabs_and_line_breaks_inside_cells_are_not_control_characters():
    text = 'STT,Ghi chú\r\n1,"dòng một\r\ndòng hai\tcột"\r\n'

    assert read_table(text.encode(), "a.csv").rows[1] == ["1", "dòng một\r\ndòng hai\tcột"]


def test_a_control_character_in_an_xlsx_is_refused_naming_its_cell():
    # XML cannot hold a bell character; the format writes it _x0007_, and calamine reads it.
    sheet_data = (
        f'<row r="2">{inline("A2", "Tên sản phẩm")}</row>'
        f'<row r="3">{inline("A3", "Trà xanh")}{inline("C3", "Cà phê_x0007_")}</row>'
    )

    error = refusal(workbook_with_sheet_xml(sheet_data), "a.xlsx")

    assert error.code == "control_characters"
    assert error.params == {"row": 3, "column": "C"}


def test_a_control_character_in_an_xls_is_refused_naming_its_cell():
    error = refusal(fixture("control_character.xls"), "a.xls")

    assert error.code == "control_characters"
    assert error.params == {"row": 3, "column": "B"}


# --------------------------------------------------------------------------------------
# Row limit
# --------------------------------------------------------------------------------------


def csv_of(data_rows, *, after=""):
    lines = ["STT,Tên sản phẩm"] + [f"{index},Sản phẩm {index}" for index in range(data_rows)]
    return ("\r\n".join(lines) + "\r\n" + after).encode()


def test_the_row_limit_counts_the_rows_after_the_header():
    assert len(read_table(csv_of(3), "a.csv", max_rows=3).rows) == 4

    error = refusal(csv_of(4), "a.csv", max_rows=3)

    assert error.code == "too_many_rows"
    assert error.params == {"limit": 3}
    assert "3 rows" in str(error)


def test_the_row_limit_defaults_to_the_setting(settings):
    settings.IMPORT_MAX_ROWS = 2

    assert refusal(csv_of(3), "a.csv").code == "too_many_rows"
    assert len(read_table(csv_of(2), "a.csv").rows) == 3


def test_reading_stops_once_the_row_limit_is_passed():
    data = csv_of(5, after="6,\x07\r\n")
    assert refusal(data, "a.csv", max_rows=10).code == "control_characters"

    # The control character in a row after the limit is never reached.
    assert refusal(data, "a.csv", max_rows=3).code == "too_many_rows"


def test_the_row_limit_applies_to_workbooks():
    # Four data rows, then a bell character that reading never reaches.
    sheet_data = "".join(
        f'<row r="{row}">{inline(f"A{row}", f"Sản phẩm {row}")}</row>' for row in range(1, 6)
    )
    sheet_data += f'<row r="6">{inline("A6", "_x0007_")}</row>'
    data = workbook_with_sheet_xml(sheet_data)

    assert refusal(data, "a.xlsx", max_rows=5).code == "control_characters"
    assert refusal(data, "a.xlsx", max_rows=3).code == "too_many_rows"
    assert refusal(fixture("recognitions.xls"), "a.xls", max_rows=1).code == "too_many_rows"


# --------------------------------------------------------------------------------------
# Hostile and damaged files
# --------------------------------------------------------------------------------------


def test_a_truncated_workbook_is_unreadable():
    data = workbook_bytes(recognition_list)

    assert refusal(data[: len(data) // 2], "a.xlsx").code == "unreadable"
    assert refusal(fixture("recognitions.xls")[:3000], "a.xls").code == "unreadable"


def test_a_document_type_declaration_in_a_worksheet_is_refused():
    # The entities of a "billion laughs" are declared and never used: the declaration
    # itself refuses the part (calamine would read the cell).
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)
    )
    worksheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
        f'<worksheet xmlns="{SPREADSHEET_NAMESPACE}"><sheetData>'
        f'<row r="1">{inline("A1", "Trà xanh")}</row></sheetData></worksheet>'
    )
    data = replace_parts(
        workbook_bytes(lambda workbook: None), {"xl/worksheets/sheet1.xml": worksheet.encode()}
    )

    assert refusal(data, "a.xlsx").code == "unreadable"


def test_a_csv_that_slows_the_delimiter_guess_is_read_quickly():
    # csv.Sniffer takes time quadratic in its sample on such text: a second for 16 KB.
    data = (',"' * 500_000).encode()
    started = time.monotonic()

    read_table(data, "a.csv")

    assert time.monotonic() - started < 5


def mutated(data, rng):
    data = bytearray(data)
    for _ in range(rng.choice([1, 2, 8])):
        position = rng.randrange(len(data))
        operation = rng.random()
        if operation < 0.6:
            data[position] = rng.randrange(256)
        elif operation < 0.8:
            data[position : position + 4] = rng.choice([b"\xff\xff\xff\xff", b"\x7f\xff\xff\xff"])
        else:
            del data[position : position + rng.randrange(1, 64)]
    return bytes(data)


def test_damaged_files_are_read_or_refused_and_nothing_else():
    originals = [
        (workbook_bytes(recognition_list), "a.xlsx"),
        (fixture("recognitions.xls"), "a.xls"),
        (CSV_TEXT.encode(), "a.csv"),
    ]
    rng = random.Random(2026)
    outcomes = set()
    for _ in range(100):
        for data, filename in originals:
            try:
                result = read_table(mutated(data, rng), filename)
            except FileRefused as error:
                outcomes.add(error.code)
            else:
                assert isinstance(result, Table)
                outcomes.add("read")
    assert {"read", "unreadable"} <= outcomes
