"""Recognition lists for the import tests, written as offices write them (sample data)."""

import csv
import io

from openpyxl import Workbook

from ..services import start_import, validate_import

HEADER = [
    "STT",
    "Tên sản phẩm",
    "Tên chủ thể",
    "Địa chỉ",
    "Hạng sao",
    "Số quyết định",
    "Ngày quyết định",
    "Ghi chú",
]

# Điện Biên rows with the addresses of before 1 July 2025 (sample producers and products).
DIEN_BIEN_ROWS = [
    [1, "Chè Shan tuyết Tủa Chùa (mẫu)", "HTX Chè Xín Chải (mẫu)",
     "Xã Xín Chải, H. Tủa Chùa, T. Điện Biên", "4 sao", "1234/QĐ-UBND", "20/12/2022", ""],
    [2, "Trà Shan tuyết búp (mẫu)", "HTX Chè Xín Chải (mẫu)",
     "Xã Xín Chải, H. Tủa Chùa, T. Điện Biên", "3*", "1234/QĐ-UBND", "20/12/2022", ""],
    [3, "Cà phê Mường Ảng rang xay (mẫu)", "HTX Cà phê Ẳng Nưa (mẫu)",
     "Xã Ẳng Nưa, Huyện Mường Ảng, Tỉnh Điện Biên", "★★★", "56/QĐ-UBND", "2023-05-04", ""],
    [4, "Gạo nếp Thanh Xương (mẫu)", "Công ty TNHH Gạo Thanh Xương (mẫu)",
     "Xã Thanh Xương, Huyện Điện Biên, Tỉnh Điện Biên", "4 sao (tiềm năng 5 sao)", "", "",
     "báo cáo của huyện"],
    [5, "Mật ong bạc hà (mẫu)", "Hộ ông Lò Văn Mẫu (mẫu)", "Điện Biên", 3, "56/QĐ-UBND",
     45050, ""],
]  # fmt: skip


def csv_file(rows, header=HEADER, *, encoding="utf-8", delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(rows, header=HEADER, *, title_rows=()) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in [*title_rows, header, *rows]:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def checked(data, name="danh-sach.csv", *, actor, province=None):
    """Upload and check a list (the dry run), as the page's worker does."""
    return validate_import(start_import(data, name, actor=actor, province=province))
