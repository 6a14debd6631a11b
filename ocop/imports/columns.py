"""What a recognition list's columns are and what its cells say.

Columns are recognised by their header, in Vietnamese or English, in any order: the header is
folded (``ocop.core.text.fold``), its punctuation read as spaces, and compared with the names
below, whole or as the start of a longer header ("Tên sản phẩm OCOP năm 2023" is the product
name). A header of two rows ("Quyết định công nhận" over "Số" and "Ngày") is read as one. A
column we do not know is kept as the row's source text.

Each ``read_*`` function takes a cell as the reader gives it (text, number, date or None) and
returns its value, or raises :class:`CellError` with a message for the office. Nothing here
touches the database."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from ocop.certificates.recognition.models import Authority
from ocop.core.text import fold, normalize
from ocop.producers.choices import ProducerKind

HEADER_SEARCH_ROWS = 30
#: OCOP stars were first given in Quảng Ninh in 2013; an earlier decision is a typing error.
EARLIEST_DECISION = datetime.date(2013, 1, 1)
EXCEL_EPOCH = datetime.date(1899, 12, 30)
#: Excel serial numbers we read as dates: 1 January 1960 to 31 December 2099.
SERIAL_RANGE = (21916, 73050)


class Field(StrEnum):
    PRODUCT = "product_name"
    PRODUCER = "producer_name"
    PRODUCER_TYPE = "producer_type"
    REGISTRATION_NUMBER = "registration_number"
    REPRESENTATIVE = "representative"
    PHONE = "phone"
    ADDRESS = "address"
    COMMUNE = "commune"
    DISTRICT = "district"
    PROVINCE = "province"
    STAR = "star"
    SCORE = "score"
    GROUP = "product_group"
    DECISION_NO = "decision_no"
    DECISION_DATE = "decision_date"
    AUTHORITY = "authority"
    SIGNER = "signer"
    CERTIFICATE_NO = "certificate_no"
    EXPIRY = "expiry"
    SOURCE_URL = "source_url"
    ROW_NUMBER = "row_no"


LABELS = {
    Field.PRODUCT: _("product name"),
    Field.PRODUCER: _("producer"),
    Field.PRODUCER_TYPE: _("producer type"),
    Field.REGISTRATION_NUMBER: _("registration or tax number"),
    Field.REPRESENTATIVE: _("representative"),
    Field.PHONE: _("phone"),
    Field.ADDRESS: _("address"),
    Field.COMMUNE: _("commune"),
    Field.DISTRICT: _("district"),
    Field.PROVINCE: _("province"),
    Field.STAR: _("star"),
    Field.SCORE: _("score"),
    Field.GROUP: _("product group"),
    Field.DECISION_NO: _("decision number"),
    Field.DECISION_DATE: _("decision date"),
    Field.AUTHORITY: _("issuing authority"),
    Field.SIGNER: _("signed by"),
    Field.CERTIFICATE_NO: _("certificate number"),
    Field.EXPIRY: _("expiry"),
    Field.SOURCE_URL: _("source URL"),
    Field.ROW_NUMBER: _("row number"),
}

# Header names, folded, with punctuation as spaces. A header matches a name when it is the
# name or starts with it followed by a space; the longest name wins.
HEADER_NAMES = {
    Field.PRODUCT: [
        "ten san pham",
        "san pham",
        "ten sp",
        "san pham ocop",
        "product name",
        "product",
        "ten hang hoa",
    ],
    Field.PRODUCER: [
        "ten chu the",
        "chu the",
        "chu the ocop",
        "chu the san xuat",
        "ten co so",
        "co so san xuat",
        "don vi san xuat",
        "ten don vi",
        "producer name",
        "producer",
    ],
    Field.PRODUCER_TYPE: [
        "loai hinh chu the",
        "loai hinh",
        "loai chu the",
        "hinh thuc to chuc",
        "producer type",
        "producer kind",
    ],
    Field.REGISTRATION_NUMBER: [
        "ma so thue",
        "mst",
        "ma so doanh nghiep",
        "ma so dkkd",
        "so dkkd",
        "so dang ky kinh doanh",
        "giay dang ky kinh doanh",
        "registration number",
        "tax code",
        "tax number",
    ],
    Field.REPRESENTATIVE: [
        "nguoi dai dien",
        "dai dien",
        "ho ten nguoi dai dien",
        "chu co so",
        "representative",
    ],
    Field.PHONE: ["dien thoai", "so dien thoai", "sdt", "dt", "phone", "telephone"],
    Field.ADDRESS: ["dia chi", "dia chi chu the", "dia chi san xuat", "dia chi tru so", "address"],
    Field.COMMUNE: ["xa", "xa phuong", "xa phuong thi tran", "phuong xa", "commune", "ward"],
    Field.DISTRICT: [
        "huyen",
        "huyen thi xa",
        "huyen thi xa thanh pho",
        "quan huyen",
        "district",
    ],
    Field.PROVINCE: ["tinh", "tinh thanh pho", "tinh thanh", "province"],
    Field.STAR: [
        "hang sao",
        "so sao",
        "xep hang",
        "xep hang sao",
        "phan hang",
        "ket qua xep hang",
        "hang",
        "sao",
        "star",
        "stars",
        "star rating",
    ],
    Field.SCORE: ["diem", "tong diem", "diem danh gia", "so diem", "diem so", "score", "points"],
    Field.GROUP: [
        "nhom san pham",
        "bo san pham",
        "phan nhom",
        "nhom",
        "nganh",
        "nganh hang",
        "phan nhom san pham",
        "product group",
        "scoring set",
        "group",
    ],
    Field.DECISION_NO: [
        "so quyet dinh",
        "quyet dinh",
        "quyet dinh cong nhan",
        "so qd",
        "qd",
        "qd cong nhan",
        "decision no",
        "decision number",
        "decision",
    ],
    Field.DECISION_DATE: [
        "ngay quyet dinh",
        "ngay cong nhan",
        "ngay ky",
        "ngay ky quyet dinh",
        "ngay ban hanh",
        "ngay qd",
        "decision date",
        "date of decision",
    ],
    Field.AUTHORITY: [
        "co quan ban hanh",
        "co quan cong nhan",
        "cap cong nhan",
        "cap quyet dinh",
        "don vi cong nhan",
        "issuing authority",
        "authority",
    ],
    Field.SIGNER: ["nguoi ky", "signer", "signed by"],
    Field.CERTIFICATE_NO: [
        "so giay chung nhan",
        "giay chung nhan",
        "so gcn",
        "gcn",
        "certificate no",
        "certificate number",
    ],
    Field.EXPIRY: [
        "ngay het han",
        "het han",
        "thoi han",
        "thoi han hieu luc",
        "hieu luc den",
        "co hieu luc den",
        "han su dung chung nhan",
        "expiry",
        "expiry date",
        "expires on",
        "valid until",
    ],
    Field.SOURCE_URL: ["source url", "source", "nguon", "nguon tin", "duong dan", "link", "url"],
    Field.ROW_NUMBER: ["stt", "tt", "so thu tu", "no", "#"],
}
_NAME_TO_FIELD = {name: column for column, names in HEADER_NAMES.items() for name in names}
_HEADER_PUNCTUATION = re.compile(r"[^0-9a-z#]+")


class CellError(ValueError):
    """A cell that cannot be read; ``message`` is for the office."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --------------------------------------------------------------------------------------
# The header
# --------------------------------------------------------------------------------------


@dataclass
class Header:
    """Where the header is and which column holds which field."""

    row_index: int  # the index of its last row in the table's rows
    columns: dict  # {Field: column index}
    source_columns: dict = field(default_factory=dict)  # {column index: header text}
    notes: list = field(default_factory=list)  # messages about the header, for the report


def header_key(text) -> str:
    return _HEADER_PUNCTUATION.sub(" ", fold(cell_text(text))).strip()


def field_of(text) -> Field | None:
    """The field a header names, or None."""
    key = header_key(text)
    if not key:
        return None
    if key in _NAME_TO_FIELD:
        return _NAME_TO_FIELD[key]
    best = None
    for name, column in _NAME_TO_FIELD.items():
        if key.startswith(name + " ") and (best is None or len(name) > len(best[0])):
            best = (name, column)
    return best[1] if best else None


def find_header(rows) -> Header | None:
    """The first row (among the first 30) that names a product column and a star column, read
    with the row below it when that row completes a two-row header. None when there is none."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = _columns_of([row])
        if Field.PRODUCT in columns.values() or Field.STAR in columns.values():
            if index + 1 < len(rows) and _is_sub_header(row, rows[index + 1]):
                both = _columns_of([row, rows[index + 1]])
                # The row below completes the header only when it names more columns.
                if len(set(both.values())) > len(set(columns.values())):
                    return _checked_header(index + 1, both, [row, rows[index + 1]])
            labels = [row]
            header = _checked_header(index, columns, labels)
            if header is not None:
                return header
    return None


def _checked_header(row_index, columns, labels):
    """The header when it names a product and a star column, else None."""
    found = set(columns.values())
    if Field.PRODUCT in found and Field.STAR in found:
        return _header(row_index, columns, labels)
    return None


def recognised_fields(rows) -> list:
    """The fields named by the best header candidate (for the message when none is complete)."""
    best = []
    for row in rows[:HEADER_SEARCH_ROWS]:
        found = sorted(set(_columns_of([row]).values()), key=list(Field).index)
        if len(found) > len(best):
            best = found
    return best


def _is_sub_header(row, below) -> bool:
    """`below` is the second row of a merged header: only short texts, none a star or date,
    and at least one under an empty (merged) cell of `row` or under a parent it completes."""
    texts = [(index, cell) for index, cell in enumerate(below) if cell_text(cell)]
    if not texts or any(not isinstance(cell, str) or len(cell) > 60 for _, cell in texts):
        return False
    for _index, cell in texts:
        try:
            read_star(cell)
        except CellError:
            continue
        return False
    return any(index >= len(row) or not cell_text(row[index]) for index, _ in texts) or any(
        _label(row, index, below) != cell_text(row[index]) for index, _ in texts
    )


def _label(row, index, below=None):
    """The header text of a column: its own cell, or the merged parent to its left, followed by
    the sub-header cell below it ("Ngày" + "Quyết định công nhận")."""
    parent = ""
    for left in range(min(index, len(row) - 1), -1, -1):
        parent = cell_text(row[left])
        if parent:
            break
    own = cell_text(row[index]) if index < len(row) else ""
    sub = cell_text(below[index]) if below is not None and index < len(below) else ""
    if sub:
        return f"{sub} {own or parent}".strip()
    return own


def _columns_of(labels) -> dict:
    """{column index: Field} for the header rows `labels` (one or two rows)."""
    row, below = labels[0], labels[1] if len(labels) > 1 else None
    width = max(len(row), len(below or ()))
    found = {}
    for index in range(width):
        text = _label(row, index, below)
        column = field_of(text)
        if column is None and below is not None and index < len(below):
            column = field_of(below[index]) or (field_of(row[index]) if index < len(row) else None)
        if column is not None:
            found[index] = column
    return found


def _header(row_index, columns, labels) -> Header:
    header = Header(row_index=row_index, columns={})
    row, below = labels[0], labels[1] if len(labels) > 1 else None
    width = max(len(row), len(below or ()))
    for index in range(width):
        column = columns.get(index)
        text = _label(row, index, below)
        if column is None:
            if text:
                header.source_columns[index] = text
        elif column in header.columns:
            header.source_columns[index] = text
            header.notes.append(
                _(
                    "Column “%(header)s” is read as source text: another column already gives "
                    "the %(field)s."
                )
                % {"header": text, "field": LABELS[column]}
            )
        else:
            header.columns[column] = index
    return header


# --------------------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell as text: numbers without a trailing ".0" (a tax number read as 5600123456.0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return normalize(str(value))


def read_text(value, *, max_length, label) -> str:
    text = cell_text(value)
    if len(text) > max_length:
        raise CellError(
            _("The %(field)s is longer than %(max)s characters.")
            % {"field": label, "max": max_length}
        )
    return text


_STAR_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5}
_STAR_RE = re.compile(
    r"^(?:hang\s+)?(?P<number>\d+(?:[.,]\d+)?)\s*(?P<unit>sao|stars?|\*+|★+)?\s*(?P<rest>.*)$"
)
_COMMENT = ("(", "-", ",", ";", "/")
_STAR_WORD_RE = re.compile(r"^(?:hang\s+)?(?P<word>mot|hai|ba|bon|tu|nam)\s+sao\b")


def read_star(value) -> int:
    """1–5 from "4", 4.0, "4 sao", "4*", "★★★★" or "4 sao (tiềm năng 5 sao)": the first star
    written is the rating; what follows in brackets is a comment."""
    if value is None or cell_text(value) == "":
        raise CellError(_("The star is empty."))
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a star rating.") % {"value": cell_text(value)})
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        text = cell_text(value)
        compact = text.replace(" ", "")
        if compact and set(compact) <= {"★", "☆"}:
            return _star_in_range(Decimal(compact.count("★")), text)
        if compact and set(compact) <= {"*"}:
            return _star_in_range(Decimal(len(compact)), text)
        folded = fold(text)
        word = _STAR_WORD_RE.match(folded)
        if word:
            return _STAR_WORDS[word.group("word")]
        match = _STAR_RE.match(folded)
        comment = match and (match.group("unit") or match.group("rest").startswith(_COMMENT))
        if match is None or (match.group("rest") and not comment):
            raise CellError(_("“%(value)s” is not a star rating.") % {"value": text[:40]})
        number = Decimal(match.group("number").replace(",", "."))
    return _star_in_range(number, cell_text(value))


def _star_in_range(number, text) -> int:
    if number != number.to_integral_value() or not 1 <= number <= 5:
        raise CellError(
            _("The star must be a whole number from 1 to 5 (found “%(value)s”).")
            % {"value": text[:40]}
        )
    return int(number)


def read_score(value) -> Decimal | None:
    text = cell_text(value)
    if not text:
        return None
    try:
        score = Decimal(text.replace(",", ".")) if not isinstance(value, int | float) else None
        score = score if score is not None else Decimal(str(value))
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a score.") % {"value": text[:40]}) from None
    if not score.is_finite() or not 0 <= score <= 100:
        raise CellError(
            _("The score must be between 0 and 100 (found “%(value)s”).") % {"value": text[:40]}
        )
    return score.quantize(Decimal("0.01"))


_DATE_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_DATE_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$")
_DATE_WORDS = re.compile(r"^(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})$")
_DATE_IN_TEXT = re.compile(
    r"(\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4})"
)


def read_date(value, *, label) -> datetime.date | None:
    """A date from a date cell, an Excel serial number (1960–2099), "dd/mm/yyyy" (also with
    "-" or "."), "yyyy-mm-dd" or "ngày 12 tháng 5 năm 2023". None when the cell is empty."""
    if value is None or cell_text(value) == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    if (isinstance(value, int | float) and not isinstance(value, bool)) or text.isdigit():
        serial = float(value) if not isinstance(value, str) else float(text)
        if serial.is_integer() and SERIAL_RANGE[0] <= serial <= SERIAL_RANGE[1]:
            return EXCEL_EPOCH + datetime.timedelta(days=int(serial))
        raise _bad_date(label, text)
    folded = fold(text)
    for pattern, order in ((_DATE_DMY, "dmy"), (_DATE_YMD, "ymd"), (_DATE_WORDS, "dmy")):
        match = pattern.match(folded)
        if match:
            parts = [int(part) for part in match.groups()]
            day, month, year = parts if order == "dmy" else parts[::-1]
            try:
                return datetime.date(year, month, day)
            except ValueError:
                raise _bad_date(label, text) from None
    raise _bad_date(label, text)


def _bad_date(label, text):
    return CellError(
        _("The %(field)s “%(value)s” is not a date (write dd/mm/yyyy).")
        % {"field": label, "value": text[:40]}
    )


_DECISION_PREFIX = re.compile(r"^(?:quyet dinh|qd)?\s*(?:so|số)?\s*[:.]?\s*", flags=re.IGNORECASE)


def read_decision(value) -> tuple[str, datetime.date | None]:
    """(number, date written beside it): "QĐ số 1234/QĐ-UBND ngày 20/12/2022" gives
    ("1234/QĐ-UBND", 20 December 2022); a bare number gives no date."""
    text = cell_text(value)
    if not text:
        return "", None
    folded = fold(text)
    on = None
    cut = len(text)
    date_match = _DATE_IN_TEXT.search(folded)
    if date_match and len(folded) == len(text):
        on = read_date(date_match.group(1), label=LABELS[Field.DECISION_DATE])
        cut = date_match.start()
        word = folded.rfind("ngay", 0, cut)
        if word != -1 and not folded[word + 4 : cut].strip(" ,:"):
            cut = word
    number = text[:cut].strip(" ,;:-")
    prefix = _DECISION_PREFIX.match(fold(number))
    if prefix and prefix.end() and len(fold(number)) == len(number):
        number = number[prefix.end() :].strip(" ,;:-")
    if len(number) > 50:
        raise CellError(_("The decision number is longer than 50 characters."))
    if number and not any(char.isdigit() for char in number):
        raise CellError(
            _("“%(value)s” is not a decision number (e.g. 1234/QĐ-UBND).") % {"value": text[:40]}
        )
    return number, on


_PRODUCER_KINDS = [
    (("hop tac xa", "htx"), ProducerKind.COOPERATIVE),
    (("to hop tac", "tht"), ProducerKind.COOPERATIVE_GROUP),
    (
        ("cong ty", "doanh nghiep", "dntn", "tnhh", "co phan", "ctcp", "cty", "dn"),
        ProducerKind.ENTERPRISE,
    ),
    (("enterprise", "company"), ProducerKind.ENTERPRISE),
    (("hiep hoi", "hoi", "ban quan ly", "trung tam", "association"), ProducerKind.ASSOCIATION),
    (
        ("ho kinh doanh", "hkd", "ho san xuat", "ho gia dinh", "ho", "co so", "trang trai"),
        ProducerKind.HOUSEHOLD,
    ),
    (("ca nhan", "household", "farm"), ProducerKind.HOUSEHOLD),
]


def read_producer_kind(value) -> ProducerKind | None:
    """The producer type from its column ("HTX", "Doanh nghiệp", "cooperative", …)."""
    folded = fold(cell_text(value))
    if not folded:
        return None
    if folded in ProducerKind.values:
        return ProducerKind(folded)
    kind = _kind_of(folded)
    if kind is not None:
        return kind
    for kind in ProducerKind:
        if fold(str(kind.label)) == folded:
            return kind
    raise CellError(_("“%(value)s” is not a producer type.") % {"value": cell_text(value)[:40]})


def producer_kind_from_name(name) -> ProducerKind | None:
    """The type a producer's name announces ("HTX …", "Công ty …", "Hộ kinh doanh …")."""
    return _kind_of(fold(name))


def _kind_of(folded):
    """The kind whose word starts `folded` (as a whole word)."""
    for words, kind in _PRODUCER_KINDS:
        if any(folded == word or folded.startswith(word + " ") for word in words):
            return kind
    return None


def read_authority(value) -> Authority | None:
    """The decision's authority: the ministry (or "Trung ương") for 5 stars, the provincial or
    the district People's Committee."""
    folded = fold(cell_text(value))
    if not folded:
        return None
    if folded in Authority.values:
        return Authority(folded)
    if any(word in folded for word in ("bo ", "trung uong", "thu tuong", "minist", "central")):
        return Authority.MINISTER
    if any(word in folded for word in ("huyen", "thi xa", "quan ", "district")) or folded in (
        "cap huyen",
    ):
        return Authority.DISTRICT_CHAIRMAN
    if any(word in folded for word in ("tinh", "province", "ubnd", "thanh pho")):
        return Authority.PROVINCE_CHAIRMAN
    raise CellError(
        _("“%(value)s” is not an authority that recognises OCOP products.")
        % {"value": cell_text(value)[:60]}
    )


def read_url(value) -> str:
    text = cell_text(value)
    if not text:
        return ""
    if not re.match(r"^https?://[^\s]+$", text, flags=re.IGNORECASE) or len(text) > 500:
        raise CellError(
            _("“%(value)s” is not a web address (http:// or https://).") % {"value": text[:60]}
        )
    return text
