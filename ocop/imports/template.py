"""The sample list offered on the import page: the columns the import reads, in Vietnamese,
with rows of sample Điện Biên products written as provinces write them (addresses of before
July 2025, abbreviations, a district heading, a province-only address, a row without its
decision). Every row is sample data, marked "(mẫu)"; it is also the demo's list to import."""

import datetime
import io

from openpyxl import Workbook
from openpyxl.styles import Font

TITLE = "DANH SÁCH SẢN PHẨM OCOP ĐÃ ĐƯỢC CÔNG NHẬN — TỈNH ĐIỆN BIÊN (DỮ LIỆU MẪU)"
HEADER = [
    "STT",
    "Tên sản phẩm",
    "Tên chủ thể",
    "Loại hình chủ thể",
    "Mã số thuế",
    "Địa chỉ",
    "Hạng sao",
    "Điểm",
    "Nhóm sản phẩm",
    "Số quyết định",
    "Ngày quyết định",
    "Cơ quan ban hành",
    "Ngày hết hạn",
    "Nguồn",
    "Ghi chú",
]
WIDTHS = (5, 34, 30, 14, 12, 44, 22, 7, 26, 20, 14, 20, 13, 10, 40)
DECISION_2022 = ("1890/QĐ-UBND (mẫu)", datetime.date(2022, 11, 21))
DECISION_2023 = ("2156/QĐ-UBND (mẫu)", datetime.date(2023, 12, 15))
PROVINCE = "UBND tỉnh Điện Biên"
# (product, producer, type, address, star, score, group, decision, note); a str row is a
# heading, under which rows without an address are placed.
ROWS = [
    "I. HUYỆN TỦA CHÙA",
    ("Chè Shan tuyết Tả Phìn (mẫu)", "HTX Chè Tả Phìn (mẫu)", "HTX",
     "Bản Tả Phìn, X. Tả Phìn, H. Tủa Chùa, T. Điện Biên", "3 sao", 72, "Chè", DECISION_2023, ""),
    ("Trà túi lọc Shan tuyết Tả Phìn (mẫu)", "HTX Chè Tả Phìn (mẫu)", "HTX",
     "Bản Tả Phìn, X. Tả Phìn, H. Tủa Chùa, T. Điện Biên", "3*", 70.5, "11", DECISION_2023, ""),
    ("Chè búp Sín Chải (mẫu)", "Tổ hợp tác chè Sín Chải (mẫu)", "Tổ hợp tác", "", "★★★", None,
     "Chè", DECISION_2022, "dòng không ghi địa chỉ: xếp theo tiêu đề huyện"),
    ("Rượu ngô Huổi Só (mẫu)", "HTX Nông nghiệp Huổi Só (mẫu)", "HTX",
     "Xã Huổi Só, Huyện Tủa Chùa", "3 sao", None, "", None, "chưa tìm thấy quyết định"),
    "II. HUYỆN MƯỜNG ẢNG",
    ("Cà phê hạt rang Ngối Cáy (mẫu)", "HTX Cà phê Ngối Cáy (mẫu)", "HTX",
     "X. Ngối Cáy, H. Mường Ảng, T. Điện Biên", "4 sao", 81, "Cà phê, ca cao", DECISION_2023, ""),
    ("Thịt trâu gác bếp Ẳng Tở (mẫu)", "Công ty TNHH Ẳng Tở (mẫu)", "Doanh nghiệp",
     "Xã Ẳng Tở, Huyện Mường Ảng, Tỉnh Điện Biên", "4 sao (tiềm năng 5 sao)", 84, "",
     DECISION_2023, ""),
    "III. HUYỆN ĐIỆN BIÊN",
    ("Gạo Séng Cù Thanh Nưa (mẫu)", "Hộ kinh doanh Lò Văn Mẫu (mẫu)", "Hộ kinh doanh",
     "Xã Thanh Nưa, Huyện Điện Biên", "3", 74, "Gạo, ngũ cốc, hạt sơ chế khác", DECISION_2022, ""),
    ("Miến dong Pom Lót (mẫu)", "HTX Miến dong Pom Lót (mẫu)", "HTX",
     "Pom Lót - Điện Biên - Điện Biên", "3 sao", None, "", DECISION_2022, ""),
    ("Mật ong hoa ban (mẫu)", "HTX Ong mật Mường Pồn (mẫu)", "HTX", "Điện Biên", "3 sao", 71,
     "", DECISION_2022, "danh sách chỉ ghi tỉnh"),
]  # fmt: skip


def sample_list() -> bytes:
    """The sample list as an XLSX workbook."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách OCOP"
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True)
    sheet.append(HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    number = 0
    for row in ROWS:
        if isinstance(row, str):
            sheet.append([None, row])
            continue
        number += 1
        product, producer, kind, address, star, score, group, decision, note = row
        decision_number, decided_on = decision or ("", None)
        sheet.append(
            [number, product, producer, kind, "", address, star, score, group, decision_number,
             decided_on, PROVINCE if decision else "", None, "", note]
        )  # fmt: skip
    for row in sheet.iter_rows(min_row=3, min_col=11, max_col=11):
        row[0].number_format = "DD/MM/YYYY"
    for column, width in zip("ABCDEFGHIJKLMNO", WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
