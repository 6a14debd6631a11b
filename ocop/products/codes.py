"""Product codes (mã số sản phẩm): parsing, normalising and validating them against real
administrative units.

Today's form, printed on every score sheet of Decision 26/2026/QĐ-TTg:

    T-X-STT-YYYY      e.g. 11-03256-001-2026

T is the province code and X the commune code of Decision 19/2025/QĐ-TTg (today's two-level units),
STT the commune's sequence number for the product and YYYY the evaluation year.

Codes issued before 1 July 2025 carried the district too:

    T-H-X-STT-YYYY    e.g. 11-102-03307-01-2022

and are checked against the legacy units (province, district, commune as they were then).

`validate_code` checks a code on its own; `check_code_for_producer` compares it with the producer's
location: a code from another province is refused (the product would be scored and governed by the
wrong province), a code from another commune of the same province only gives a warning (a producer
registered in one commune may produce in another, and legacy communes were merged)."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.regions.models import (
    Commune,
    CommuneSuccession,
    LegacyCommune,
    LegacyDistrict,
    LegacyProvince,
    Province,
)

# The first national rubric (1048/QĐ-TTg) dates from 2019; no product was rated under it earlier.
FIRST_YEAR = 2019
# Districts were abolished on 1 July 2025: no code with a district is dated later than 2025.
LAST_LEGACY_YEAR = 2025
MAX_SEQUENCE_DIGITS = 4

# Every dash a keyboard, a word processor or a PDF may produce: hyphen, non-breaking hyphen,
# figure dash, en dash, em dash, horizontal bar, minus sign, small and full-width hyphen-minus.
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d]")
_SPACES = re.compile(r"\s+")

EXAMPLE = "11-03256-001-2026"
LEGACY_EXAMPLE = "11-102-03307-01-2022"


@dataclass(frozen=True)
class ProductCode:
    province: str
    commune: str
    sequence: str
    year: int
    district: str = ""  # only in codes issued before July 2025

    @property
    def is_legacy(self) -> bool:
        return bool(self.district)

    def __str__(self):
        parts = [self.province, self.district, self.commune, self.sequence, str(self.year)]
        return "-".join(part for part in parts if part)


def normalize_code(text) -> str:
    """Strip white space, turn every kind of dash into "-" and zero-pad the unit codes
    ("11 – 3256 – 001 – 2026" → "11-03256-001-2026"). Text that is not shaped like a code is
    returned cleaned but otherwise unchanged, so the error message can quote it."""
    cleaned = _SPACES.sub("", _DASHES.sub("-", text or ""))
    parts = cleaned.split("-")
    if not all(part.isascii() and part.isdigit() for part in parts):
        return cleaned
    if len(parts) == 4:
        province, commune, sequence, year = parts
        return "-".join([_pad(province, 2), _pad(commune, 5), sequence, year])
    if len(parts) == 5:
        province, district, commune, sequence, year = parts
        return "-".join([_pad(province, 2), _pad(district, 3), _pad(commune, 5), sequence, year])
    return cleaned


def _pad(part, width):
    return part.zfill(width) if len(part) < width else part


def parse_code(text) -> ProductCode:
    """Check the shape of a code (no database): four or five parts of digits, the sequence number
    and the year in range. Raise ValidationError listing every wrong part."""
    code = normalize_code(text)
    parts = code.split("-")
    if len(parts) not in (4, 5) or not all(part.isascii() and part.isdigit() for part in parts):
        raise ValidationError(
            _(
                "Write the code as T-X-STT-YYYY, for example %(example)s: province code, "
                "commune code, sequence number and year, separated by dashes. Codes issued "
                "before July 2025 also have a district: T-H-X-STT-YYYY, for example "
                "%(legacy_example)s."
            ),
            code="bad_format",
            params={"example": EXAMPLE, "legacy_example": LEGACY_EXAMPLE},
        )
    if len(parts) == 4:
        province, commune, sequence, year = parts
        district = ""
    else:
        province, district, commune, sequence, year = parts
    errors = []
    if len(province) != 2:
        errors.append(
            ValidationError(
                _("The province code (T) has 2 digits, for example 11; “%(value)s” does not."),
                code="bad_province",
                params={"value": province},
            )
        )
    if district and len(district) != 3:
        errors.append(
            ValidationError(
                _("The district code (H) has 3 digits, for example 102; “%(value)s” does not."),
                code="bad_district",
                params={"value": district},
            )
        )
    if len(commune) != 5:
        errors.append(
            ValidationError(
                _("The commune code (X) has 5 digits, for example 03256; “%(value)s” does not."),
                code="bad_commune",
                params={"value": commune},
            )
        )
    if len(sequence) > MAX_SEQUENCE_DIGITS or int(sequence) == 0:
        errors.append(
            ValidationError(
                _(
                    "The sequence number (STT) must be 1 to %(digits)s digits and not zero; "
                    "“%(value)s” is not."
                ),
                code="bad_sequence",
                params={"value": sequence, "digits": MAX_SEQUENCE_DIGITS},
            )
        )
    last_year = LAST_LEGACY_YEAR if district else timezone.localdate().year + 1
    if len(year) != 4 or not FIRST_YEAR <= int(year) <= last_year:
        if district and len(year) == 4 and int(year) > LAST_LEGACY_YEAR:
            message = _(
                "Codes with a district were used until %(last)s; the year %(value)s does not fit. "
                "Since July 2025 the code has no district: T-X-STT-YYYY."
            )
        else:
            message = _(
                "The year (YYYY) must be a four-digit year from %(first)s to %(last)s; "
                "“%(value)s” is not."
            )
        errors.append(
            ValidationError(
                message,
                code="bad_year",
                params={"value": year, "first": FIRST_YEAR, "last": last_year},
            )
        )
    if errors:
        raise ValidationError(errors)
    return ProductCode(
        province=province, commune=commune, sequence=sequence, year=int(year), district=district
    )


def validate_code(text) -> ProductCode:
    """Parse a code and check that its units exist and belong together: the commune lies in the
    province (today's form), or the commune in the district and the district in the province
    (before July 2025). Raise ValidationError naming each wrong part."""
    code = parse_code(text)
    errors = _check_legacy_units(code) if code.is_legacy else _check_units(code)
    if errors:
        raise ValidationError(errors)
    return code


def _check_units(code) -> list[ValidationError]:
    errors = []
    province = Province.objects.filter(code=code.province).first()
    if province is None:
        errors.append(
            ValidationError(
                _("There is no province with code %(value)s (T, the first part of the code)."),
                code="unknown_province",
                params={"value": code.province},
            )
        )
    commune = Commune.objects.select_related("province").filter(code=code.commune).first()
    if commune is None:
        errors.append(
            ValidationError(
                _(
                    "There is no commune with code %(value)s (X, the second part of the code). "
                    "Use the commune codes in force since 1 July 2025."
                ),
                code="unknown_commune",
                params={"value": code.commune},
            )
        )
    elif province is not None and commune.province_id != province.code:
        errors.append(
            ValidationError(
                _(
                    "Commune %(value)s (%(commune)s) is in %(commune_province)s, not in "
                    "%(province)s (province code %(province_code)s)."
                ),
                code="commune_elsewhere",
                params={
                    "value": code.commune,
                    "commune": commune.name,
                    "commune_province": commune.province.name,
                    "province": province.name,
                    "province_code": province.code,
                },
            )
        )
    return errors


def _check_legacy_units(code) -> list[ValidationError]:
    errors = []
    province = LegacyProvince.objects.filter(code=code.province).first()
    if province is None:
        errors.append(
            ValidationError(
                _(
                    "There was no province with code %(value)s before July 2025 "
                    "(T, the first part of the code)."
                ),
                code="unknown_province",
                params={"value": code.province},
            )
        )
    district = LegacyDistrict.objects.select_related("province").filter(code=code.district).first()
    if district is None:
        errors.append(
            ValidationError(
                _("There was no district with code %(value)s (H, the second part of the code)."),
                code="unknown_district",
                params={"value": code.district},
            )
        )
    elif province is not None and district.province_id != province.code:
        errors.append(
            ValidationError(
                _(
                    "District %(value)s (%(district)s) was in %(district_province)s, "
                    "not in %(province)s."
                ),
                code="district_elsewhere",
                params={
                    "value": code.district,
                    "district": district.name,
                    "district_province": district.province.name,
                    "province": province.name,
                },
            )
        )
    commune = LegacyCommune.objects.select_related("district").filter(code=code.commune).first()
    if commune is None:
        errors.append(
            ValidationError(
                _(
                    "There was no commune with code %(value)s before July 2025 "
                    "(X, the third part of the code)."
                ),
                code="unknown_commune",
                params={"value": code.commune},
            )
        )
    elif district is not None and commune.district_id != district.code:
        errors.append(
            ValidationError(
                _(
                    "Commune %(value)s (%(commune)s) was in %(commune_district)s, "
                    "not in %(district)s."
                ),
                code="commune_elsewhere",
                params={
                    "value": code.commune,
                    "commune": commune.name,
                    "commune_district": commune.district.name,
                    "district": district.name,
                },
            )
        )
    return errors


def check_code_for_producer(code: ProductCode, producer) -> list[str]:
    """Compare a valid code with the producer's location. A code from another province raises
    ValidationError; a code from another commune of the producer's province returns a warning
    (the list of messages is empty when everything matches or cannot be decided)."""
    if code.is_legacy:
        # Today's communes the legacy commune went into: {commune code: province code}.
        today_communes = dict(
            CommuneSuccession.objects.filter(legacy_commune_id=code.commune).values_list(
                "commune_id", "commune__province_id"
            )
        )
        if today_communes:
            provinces = set(today_communes.values())
        else:
            provinces = set(
                Province.objects.filter(legacy_provinces__code=code.province).values_list(
                    "code", flat=True
                )
            )
        if provinces and producer.province_id not in provinces:
            raise _other_province_error(producer)
        if today_communes and producer.commune_id and producer.commune_id not in today_communes:
            return [
                _(
                    "The commune in this code (%(value)s, before July 2025) is not a predecessor "
                    "of the producer's commune, %(commune)s. Check the code if the product is "
                    "made there."
                )
                % {"value": code.commune, "commune": producer.commune.name}
            ]
        return []
    if code.province != producer.province_id:
        raise _other_province_error(producer)
    if producer.commune_id and code.commune != producer.commune_id:
        return [
            _(
                "The commune in this code (%(value)s) is not the producer's commune, "
                "%(commune)s (%(commune_code)s). Check the code if the product is made there."
            )
            % {
                "value": code.commune,
                "commune": producer.commune.name,
                "commune_code": producer.commune_id,
            }
        ]
    return []


def _other_province_error(producer):
    return ValidationError(
        _(
            "This code belongs to another province, but the producer is in %(province)s. The "
            "product code is given by the producer's province; check the code or the producer."
        ),
        code="other_province",
        params={"province": producer.province.name},
    )
