"""Which of the 26 scoring sets (Annex I) an imported product belongs to.

From the group column first: a set's number ("11", "Bộ 11"), or the name of a set, a group or
a sector (folded; a group or sector gives its first set, and says so). Lists often print no
group, so a new product's set is otherwise read from words of its name ("Chè …" is set 11);
the report says the set was read from the name, to be checked. An existing product keeps its
set."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ocop.core.text import fold
from ocop.products.models import ScoringSet

from .columns import CellError, cell_text

# (folded words, set number): the first rule whose words appear in the folded name (as whole
# words) wins, so the more precise rules come first.
NAME_RULES = [
    (("tra hoa", "tra gung", "tra atiso", "tra actiso", "tra thao moc", "tra thao duoc"), 12),
    (("tra giao co lam", "tra diep ha chau", "tra sam", "tra la", "tra tui loc thao"), 12),
    (("tinh dau",), 20),
    (("my pham", "dau goi", "sua tam", "xa phong", "kem duong", "son moi"), 19),
    (("ca phe", "cafe", "coffee", "ca cao", "cacao", "socola", "chocolate"), 13),
    (("che", "tra", "tea"), 11),
    (("ruou vang", "ruou hoa qua", "ruou trai cay", "bia"), 15),
    (("ruou",), 14),
    (("nuoc khoang", "nuoc uong dong chai", "nuoc tinh khiet"), 16),
    (("nuoc ep", "nuoc cot", "siro", "nuoc giai khat", "sua chua uong", "nuoc uong"), 17),
    (("nuoc mam", "tuong", "mam", "nuoc tuong", "dau hao"), 9),
    (("muoi", "tieu", "hat tieu", "gia vi", "ot", "hanh", "toi", "sa te", "mac khen"), 10),
    (("mat ong",), 4),
    (("thit", "lap xuong", "xuc xich", "gio", "cha", "nem", "ca kho", "tom kho", "muc kho"), 8),
    (("ruoc", "kho ga", "kho bo", "kho trau", "sua chua", "pho mai", "banh sua"), 8),
    (("mien", "bun", "pho kho", "banh da", "banh", "com", "keo", "bot", "mi"), 6),
    (("mut", "say", "sau rieng say", "dua muoi", "ca muoi", "tinh bot"), 7),
    (("gao", "nep", "thoc", "ngo", "dau", "lac", "vung", "ngu coc", "hat dieu"), 3),
    (("trung", "ga", "vit", "lon", "bo", "trau", "de", "ca", "tom", "cua", "oc", "sua"), 2),
    (("cao", "thuoc", "duoc lieu", "sam", "linh chi", "dong trung", "ha thu o"), 18),
    (("tho cam", "det", "vai lanh", "may mac", "khan", "ao"), 22),
    (("may tre", "may", "tre", "go", "gom", "su", "son mai", "dan", "coi", "thu cong", "bac"), 21),
    (("cay canh", "bonsai", "cay the"), 24),
    (("hoa", "lan"), 23),
    (("ca canh", "chim canh", "dong vat canh"), 25),
    (("du lich", "homestay", "diem du lich", "lang du lich", "ban du lich"), 26),
    (("rau", "cu", "qua", "hat", "nam", "cam", "buoi", "nhan", "vai", "xoai", "chuoi", "dua"), 1),
    (("mang", "bi", "su su", "khoai", "san", "tao", "le", "man", "dao", "na", "chanh"), 1),
]
_SET_NUMBER = re.compile(r"^(?:bo(?: san pham)?(?: so)?\s*)?(\d{1,2})(?:\b|$)")


@dataclass(frozen=True)
class Classified:
    number: int
    how: str  # "set", "group", "sector" or "name": what it was read from


class Classifier:
    """The scoring sets, their groups and sectors, read once."""

    def __init__(self):
        sets = list(ScoringSet.objects.select_related("group__sector").order_by("number"))
        self.sets = {scoring_set.number: scoring_set for scoring_set in sets}
        self._by_name = {}
        for scoring_set in sets:
            group, sector = scoring_set.group, scoring_set.group.sector
            for name in (scoring_set.name_vi, scoring_set.name_en):
                self._by_name.setdefault(fold(name), Classified(scoring_set.number, "set"))
            for name in (group.name_vi, group.name_en):
                self._by_name.setdefault(fold(name), Classified(scoring_set.number, "group"))
            for name in (sector.name_vi, sector.name_en):
                self._by_name.setdefault(fold(name), Classified(scoring_set.number, "sector"))

    def from_group(self, value) -> Classified | None:
        """The set the group column names, None when empty; CellError when unreadable."""
        text = cell_text(value)
        folded = fold(text)
        if not folded:
            return None
        number = _SET_NUMBER.match(folded)
        if number and int(number.group(1)) in self.sets:
            return Classified(int(number.group(1)), "set")
        if folded in self._by_name:
            return self._by_name[folded]
        for name, classified in self._by_name.items():
            if folded.startswith(name) or (name.startswith(folded) and len(folded) >= 4):
                return classified
        raise CellError(
            _("“%(value)s” is not one of the 26 product sets, 17 groups or 6 sectors of Annex I.")
            % {"value": text[:60]}
        )

    def from_name(self, product_name) -> Classified | None:
        words = f" {fold(product_name)} "
        for names, number in NAME_RULES:
            if any(f" {name} " in words for name in names):
                return Classified(number, "name")
        return None
