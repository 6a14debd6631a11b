"""Writes the fixtures that the tests cannot build with the project's own packages.

Run it in a throwaway virtual environment, never the project's:

    python3 -m venv /tmp/gen
    /tmp/gen/bin/pip install xlwt==1.3.0 olefile==0.47 openpyxl==3.1.5 msoffcrypto-tool==6.1.0
    /tmp/gen/bin/python ocop/imports/tests/data/make_fixtures.py
"""

import datetime
import io
import pathlib
import struct

import msoffcrypto
import olefile
import openpyxl
import xlwt

HERE = pathlib.Path(__file__).parent

FORMULA = 0x0006
WRITE_ACCESS = 0x005C
FILE_PASS = 0x002F


def records(stream):
    """Yields (offset, type, payload length) for each BIFF record of a Workbook stream."""
    offset = 0
    while offset + 4 <= len(stream):
        record_type, length = struct.unpack_from("<HH", stream, offset)
        yield offset, record_type, length
        offset += 4 + length


def rewrite_workbook_stream(path, change):
    """Rewrites the Workbook stream in place; ``change`` must keep its length."""
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
        change(stream)
        ole.write_stream("Workbook", bytes(stream))


def write_recognitions_xls():
    """A hidden first sheet, then the list: a blank first row, Vietnamese text, dates, and a
    formula column whose cached results are written in (xlwt itself leaves them blank)."""
    book = xlwt.Workbook(encoding="utf-8")
    hidden = book.add_sheet("Ẩn")
    hidden.write(0, 0, "không được đọc trang này")
    hidden.visibility = 1
    sheet = book.add_sheet("Danh sách")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    header = ["STT", "Tên sản phẩm", "Chủ thể", "Số sao", "Ngày quyết định", "Sao nhân đôi"]
    for column, title in enumerate(header):
        sheet.write(1, column, title)
    rows = [
        (2, 1, "Trà Shan tuyết Hà Giang", "HTX Chè Ngọc Lâm", 4, datetime.date(2023, 5, 15)),
        (4, 2, "Mật ong bạc hà", "Công ty Cổ phần Đồng Văn", 3, datetime.date(2022, 11, 2)),
    ]
    for row, number, product, producer, stars, decided_on in rows:
        sheet.write(row, 0, number)
        sheet.write(row, 1, product)
        sheet.write(row, 2, producer)
        sheet.write(row, 3, stars)
        sheet.write(row, 4, decided_on, date_style)
        sheet.write(row, 5, xlwt.Formula(f"D{row + 1}*2"))
    other = book.add_sheet("Khác")
    other.write(0, 0, 1)
    other.write(0, 1, xlwt.Formula("A1+1"))
    path = HERE / "recognitions.xls"
    book.save(str(path))

    cached = {(2, 5): 8.0, (4, 5): 6.0}

    def write_cached_results(stream):
        sheet_cells = dict(cached)
        for offset, record_type, _length in records(stream):
            if record_type != FORMULA:
                continue
            row, column = struct.unpack_from("<HH", stream, offset + 4)
            value = sheet_cells.pop((row, column), 2.0)
            struct.pack_into("<d", stream, offset + 4 + 6, value)
        assert not sheet_cells, sheet_cells

    rewrite_workbook_stream(path, write_cached_results)


def write_control_character_xls():
    """A bell character (0x07) inside a cell of row 3, column B."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Danh sách")
    sheet.write(0, 0, "STT")
    sheet.write(0, 1, "Tên sản phẩm")
    sheet.write(1, 0, 1)
    sheet.write(1, 1, "Trà xanh")
    sheet.write(2, 0, 2)
    sheet.write(2, 1, "Cà phê\x07 Sơn La")
    book.save(str(HERE / "control_character.xls"))


def write_encrypted_xls():
    """The FILEPASS record that marks an encrypted XLS (RC4, as Excel writes it), in place of
    the WRITEACCESS record of the same length; nothing is really encrypted, since no tool in
    reach encrypts XLS, but the marker is all a reader sees before decrypting."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Danh sách")
    sheet.write(0, 0, "Tên sản phẩm")
    sheet.write(1, 0, "Trà xanh")
    path = HERE / "encrypted.xls"
    book.save(str(path))

    def mark_encrypted(stream):
        for offset, record_type, length in records(stream):
            if record_type == WRITE_ACCESS:
                payload = struct.pack("<HHH", 1, 1, 1) + bytes(48)
                payload += bytes(length - len(payload))
                struct.pack_into("<HH", stream, offset, FILE_PASS, length)
                stream[offset + 4 : offset + 4 + length] = payload
                return
        raise AssertionError("no WRITEACCESS record")

    rewrite_workbook_stream(path, mark_encrypted)


def write_encrypted_xlsx():
    """A real password-protected XLSX (ECMA-376 agile encryption), password "ocop"."""
    book = openpyxl.Workbook()
    book.active["A1"] = "Tên sản phẩm"
    book.active["A2"] = "Trà xanh"
    plain = io.BytesIO()
    book.save(plain)
    plain.seek(0)
    encrypted = io.BytesIO()
    office_file = msoffcrypto.OfficeFile(plain)
    office_file.encrypt("ocop", encrypted)
    (HERE / "encrypted.xlsx").write_bytes(encrypted.getvalue())


if __name__ == "__main__":
    write_recognitions_xls()
    write_control_character_xls()
    write_encrypted_xls()
    write_encrypted_xlsx()
