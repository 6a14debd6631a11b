"""Resolve an address written with the legacy units (before 1 July 2025) to today's units.

    >>> result = resolve_legacy_address("Xã Ẳng Nưa, Huyện Mường Ảng, Tỉnh Điện Biên")
    >>> result.legacy_commune.code, result.commune.code, result.province.code
    ('03307', '03256', '11')

How it works: the text is split into parts (at commas, semicolons or line breaks; when there
are none, before "Huyện", "Tỉnh", …, or at dashes). Each part is folded (ocop.core.text.fold:
no case, no tone marks, đ → d) and its division prefix read ("Xã", "P.", "TX.", "Huyện",
"TP.", …). A part whose folded name is that of a legacy commune gives candidates; every other
part that names a legacy district or province must then be the candidate's district or
province (parts naming no unit at all, such as a village or "Việt Nam", are ignored).
Candidates whose division type and diacritics agree with the text rank first. When no legacy
commune fits, today's communes are tried, so an address already written with today's units
resolves too.

Everything is read from our own tables (indexed `folded_name` columns); this module never
imports the vietnam-provinces package and never raises on arbitrary input.

One module: the resolver and the preloaded units it reads are one algorithm."""

import re
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext_lazy as _

from ocop.core.text import fold, normalize

from .models import (
    Commune,
    CommuneSuccession,
    LegacyCommune,
    LegacyDistrict,
    LegacyProvince,
    Province,
)

MAX_LENGTH = 300
MAX_PARTS = 8
MAX_CANDIDATES = 500

COMMUNE, DISTRICT, PROVINCE = "commune", "district", "province"
ANY_LEVEL = frozenset({COMMUNE, DISTRICT, PROVINCE})


class Confidence:
    HIGH = "high"  # the commune and its district matched (or today's commune and province)
    MEDIUM = "medium"  # the commune and its province matched
    LOW = "low"  # only the commune's name, unique in the country
    NONE = "none"  # no commune found, or several fit equally


# Division prefixes as they read after folding, with the levels they announce, and their
# correct spelling (a prefix typed with other tone marks, "Xà Phìn", is part of the name).
_WORD_PREFIXES = {
    "thi tran": ({COMMUNE}, "thị trấn"),
    "phuong": ({COMMUNE}, "phường"),
    "xa": ({COMMUNE}, "xã"),
    "dac khu": ({COMMUNE}, "đặc khu"),
    "thi xa": ({DISTRICT}, "thị xã"),
    "huyen": ({DISTRICT}, "huyện"),
    "quan": ({DISTRICT}, "quận"),
    "thanh pho": ({DISTRICT, PROVINCE}, "thành phố"),
    "tinh": ({PROVINCE}, "tỉnh"),
}
_ABBREVIATIONS = {
    "tt": ({COMMUNE}, "thi tran"),
    "p": ({COMMUNE}, "phuong"),
    "x": ({COMMUNE}, "xa"),
    "tx": ({DISTRICT}, "thi xa"),
    "h": ({DISTRICT}, "huyen"),
    "q": ({DISTRICT}, "quan"),
    "tp": ({DISTRICT, PROVINCE}, "thanh pho"),
    "t": ({PROVINCE}, "tinh"),
}
_PREFIX_RE = re.compile(
    r"^(?:(?P<word>thi tran|thi xa|thanh pho|dac khu|phuong|huyen|quan|tinh|xa)\s+"
    r"|(?P<dotted>tt|tx|tp|p|x|h|q|t)\s*\.\s*"
    r"|(?P<bare>tt|tx|tp)\s+"
    r"|(?P<number>p|q)\s*(?=\d))"
    r"(?P<rest>.+)$"
)
# Where a text without commas is cut: before these (folded) words.
_SPLIT_RE = re.compile(r"\s(?=(?:huyen|quan|thi xa|thanh pho|tinh)\s|(?:tp|tx|h|t)\.)")
_SPLIT_SPELLINGS = ("huyện ", "quận ", "thị xã ", "thành phố ", "tỉnh ", "tp.", "tx.", "h.", "t.")
_SEPARATORS = re.compile(r"[,;\n\r|]+")
_DASHES = re.compile(r"\s*[-–—]\s*")
_TRIM = " \t.,;:-–—_'\"`’‘“”()[]{}<>/\\"
_NOT_KEY = re.compile(r"[^0-9a-z]")
_ALIASES = {"hcm": "hochiminh", "tphcm": "hochiminh", "saigon": "hochiminh"}

NO_TEXT = _("No address was given.")
TOO_LONG = _("The address is too long.")
NOT_FOUND = _("No commune with this name was found.")
CONTEXT_MISMATCH = _("A commune with this name exists, but not in the district or province given.")
AMBIGUOUS = _("Several communes have this name: add the district or province.")
DISTRICT_ONLY = _("Only the district was recognised; a district covers several communes today.")
PROVINCE_ONLY = _("Only the province was recognised.")
NO_SUCCESSOR = _("The legacy commune has no successor in the official conversion table.")
CURRENT_UNIT = _("This is already a commune of today.")


@dataclass(frozen=True)
class Successor:
    commune: Commune
    is_primary: bool
    is_partial: bool


@dataclass
class ResolvedAddress:
    """What `resolve_legacy_address` found. False in a boolean context when no commune of today
    was found; `note` then says why (and, when found, what is uncertain)."""

    text: str
    legacy_commune: LegacyCommune | None = None
    legacy_district: LegacyDistrict | None = None
    legacy_province: LegacyProvince | None = None
    successors: tuple[Successor, ...] = ()  # today's communes, the main successor first
    province: Province | None = None  # today's province
    confidence: str = Confidence.NONE
    candidates: tuple = ()  # the legacy communes that fit equally well, when several do
    note: str = ""
    unrecognised_parts: tuple[str, ...] = field(default=())

    def __bool__(self):
        return bool(self.successors)

    @property
    def commune(self) -> Commune | None:
        """Today's commune the address counts under (the main successor)."""
        return self.successors[0].commune if self.successors else None

    @property
    def is_partial(self) -> bool:
        """The legacy commune was split: only part of it went to each successor."""
        return any(successor.is_partial for successor in self.successors)

    @property
    def is_ambiguous(self) -> bool:
        return len(self.candidates) > 1


@dataclass(frozen=True)
class _Reading:
    """One way to read a part: the levels it may name and the name, folded and as typed."""

    levels: frozenset
    folded: str
    key: str
    typed: str | None  # lower-case with tone marks, None when it cannot be aligned
    division: str | None  # folded division word of the prefix ("xa", "huyen"), if any
    prefix_is_exact: bool = True


@dataclass
class _Part:
    text: str
    readings: list

    def names(self, level):
        return {reading.folded for reading in self.readings if level in reading.levels}

    def keys(self, level):
        return {reading.key for reading in self.readings if level in reading.levels}

    @property
    def names_a_commune(self):
        """Its prefix says it is a commune ("Xã …", "P. …")."""
        return any(
            reading.levels == {COMMUNE} and reading.division and reading.prefix_is_exact
            for reading in self.readings
        )


def resolve_legacy_address(text, *, units=None) -> ResolvedAddress:
    """Find the legacy commune an address names and today's commune(s) it became. `units` is
    where the units are looked up: the database by default, or `PreloadedUnits` to resolve
    thousands of addresses without a query each."""
    units = units or _DATABASE
    raw = text if isinstance(text, str) else ""
    if len(raw) > MAX_LENGTH:
        return ResolvedAddress(text=raw, note=TOO_LONG)
    result = _resolve(raw, _parse(raw), units)
    if (
        not result
        and result.legacy_commune is None
        and not result.candidates
        and not _SEPARATORS.search(raw)
        and _DASHES.search(raw)
    ):
        # "Ẳng Nưa - Mường Ảng - Điện Biên": dashes as separators, tried only when commas are
        # absent and the text as written found nothing, since names may hold " - " too.
        retry = _resolve(raw, _parse(_DASHES.sub(", ", raw)), units)
        if retry:
            return retry
    return result


def _resolve(raw, parts, units):
    result = ResolvedAddress(text=raw)
    if not parts:
        result.note = NO_TEXT
        return result
    known = _known_units(parts, units)
    candidates, context_missing = _legacy_candidates(parts, known, units)
    if candidates:
        return _legacy_result(result, candidates, units)
    current = _current_candidates(parts, units)
    if current:
        return _current_result(result, current)
    return _area_result(result, parts, known, context_missing, units)


def province_named(text, *, units=None) -> Province | None:
    """Today's province a text names when it names only a province, of today or before 1 July
    2025 ("Tỉnh Bắc Kạn" gives Thái Nguyên): for lists whose address is just the province,
    where `resolve_legacy_address` would look for a commune of that name first."""
    units = units or _DATABASE
    parts = _parse(text) if isinstance(text, str) and len(text) <= MAX_LENGTH else []
    if len(parts) != 1:
        return None
    keys = parts[0].keys(PROVINCE) - {""}
    current = units.provinces_keyed(keys) if keys else []
    if len(current) == 1:
        return current[0]
    legacy = units.legacy_provinces_keyed(keys) if keys else []
    if len(legacy) == 1:
        return units.successor_province(legacy[0].pk)
    return None


def successor_province(legacy_province) -> Province | None:
    """Today's province a legacy province (object or code) went to; when its communes went
    to several provinces, the one that received most of them."""
    code = getattr(legacy_province, "pk", legacy_province)
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code).zfill(2)
    if not isinstance(code, str) or not code.isdigit() or len(code) > 2:
        return None
    received = Count(
        "communes__predecessions",
        filter=Q(communes__predecessions__legacy_commune__district__province=code),
    )
    return (
        Province.objects.filter(legacy_provinces=code)
        .annotate(received=received)
        .order_by("-received", "code")
        .first()
    )


def annotate_today_units(queryset, legacy_commune_field="legacy_commune"):
    """Annotate rows that point at a legacy commune with `today_commune_code` and
    `today_province_code` (through the main successor), to aggregate legacy data under today's
    units: `annotate_today_units(qs).values("today_province_code").annotate(n=Count("pk"))`."""
    main = CommuneSuccession.objects.filter(
        legacy_commune=OuterRef(legacy_commune_field), is_primary=True
    )
    return queryset.annotate(
        today_commune_code=Subquery(main.values("commune_id")[:1]),
        today_province_code=Subquery(main.values("commune__province_id")[:1]),
    )


# Parsing ----------------------------------------------------------------------------------


def _parse(text):
    # Control characters, lone surrogates and the like cannot reach the database.
    text = normalize(
        "".join(char if char.isprintable() or char.isspace() else " " for char in text)
    )
    pieces = [piece.strip(_TRIM) for piece in _SEPARATORS.split(text)]
    pieces = [piece for piece in pieces if piece]
    if len(pieces) == 1:
        pieces = _split_without_commas(pieces[0])
    parts = []
    for piece in pieces[:MAX_PARTS]:
        readings = _readings(piece)
        if readings:
            parts.append(_Part(text=piece, readings=readings))
    return parts


def _split_without_commas(text):
    """Cut "Xã Ẳng Nưa Huyện Mường Ảng Tỉnh Điện Biên" before "Huyện" and "Tỉnh". With tone
    marks typed, only correctly spelt words cut ("Hà Tĩnh" stays whole)."""
    lower, folded = text.lower(), fold(text)
    if len(lower) != len(folded):
        return [text]
    has_tones = lower != folded
    cuts = [
        match.end()
        for match in _SPLIT_RE.finditer(folded)
        if not has_tones or lower.startswith(_SPLIT_SPELLINGS, match.end())
    ]
    pieces, previous = [], 0
    for cut in cuts:
        pieces.append(text[previous:cut].strip(_TRIM))
        previous = cut
    pieces.append(text[previous:].strip(_TRIM))
    return [piece for piece in pieces if piece]


def _readings(piece):
    lower, folded = piece.lower(), fold(piece)
    aligned = len(lower) == len(folded)
    readings = []
    match = _PREFIX_RE.match(folded)
    if match:
        rest = match.group("rest").strip(_TRIM)
        if match.group("word"):
            levels, spelling = _WORD_PREFIXES[match.group("word")]
            division = match.group("word")
            # "Xà Phìn" typed with tone marks is a name; "xa phin" without any may be a prefix.
            exact = aligned and (lower[: len(spelling)] == spelling or lower == folded)
        else:
            abbreviation = next(
                match.group(name) for name in ("dotted", "bare", "number") if match.group(name)
            )
            levels, division = _ABBREVIATIONS[abbreviation]
            exact = True
        typed = lower[match.start("rest") :].strip(_TRIM) if aligned else None
        if rest:
            readings.append(_reading(levels, rest, typed, division, exact))
    whole = folded.strip(_TRIM)
    if whole:
        readings.append(_reading(ANY_LEVEL, whole, lower if aligned else None, None, True))
    return readings


def _reading(levels, folded, typed, division, prefix_is_exact):
    return _Reading(
        levels=frozenset(levels),
        folded=folded,
        key=_key(folded),
        typed=typed,
        division=division,
        prefix_is_exact=prefix_is_exact,
    )


def _key(folded):
    """The folded name without spaces or punctuation ("K' Dang" and "K'Dang" → "kdang")."""
    key = _NOT_KEY.sub("", folded)
    return _ALIASES.get(key, key)


def _key_of(field_name):
    """The same key computed by the database from a folded_name column."""
    expression = F(field_name)
    for character in ("'", "-", " ", "."):
        expression = Replace(expression, Value(character), Value(""))
    return expression


# Matching ---------------------------------------------------------------------------------


@dataclass
class _Known:
    """Which keys name a legacy district or a legacy province somewhere."""

    district_keys: set
    province_keys: set


def _known_units(parts, units):
    district_keys = set().union(*(part.keys(DISTRICT) for part in parts)) - {""}
    province_keys = set().union(*(part.keys(PROVINCE) for part in parts)) - {""}
    return _Known(
        district_keys=units.legacy_district_keys(district_keys) if district_keys else set(),
        province_keys=units.legacy_province_keys(province_keys) if province_keys else set(),
    )


def _legacy_candidates(parts, known, units):
    """[(score, legacy commune, index of its part, context levels matched)] of the communes
    that fit every recognised part, best first; and whether some name matched but not its
    context."""
    names = set().union(*(part.names(COMMUNE) for part in parts))
    found = units.legacy_communes_named(names)
    scored = _score(parts, found, known)
    if not scored:
        keys = set().union(*(part.keys(COMMUNE) for part in parts)) - {""}
        found = units.legacy_communes_keyed(keys)
        scored = _score(parts, found, known)
    return scored, bool(found) and not scored


def _score(parts, units, known):
    scored = []
    for unit in units:
        district, province = unit.district, unit.district.province
        for index, part in enumerate(parts):
            reading = _matching_reading(part, COMMUNE, unit)
            if reading is None:
                continue
            context = _context(parts, index, known, district=district, province=province)
            if context is None:
                continue
            levels, unrecognised = context
            score = (
                len(levels),
                _division_agrees(reading, unit),
                _is_exact(reading, unit),
                -index,
            )
            scored.append((score, unit, levels, unrecognised))
            break
    scored.sort(key=lambda item: item[0], reverse=True)
    return scored


def _matching_reading(part, level, unit):
    key = _key(unit.folded_name)
    for reading in part.readings:
        if level in reading.levels and reading.key == key:
            return reading
    return None


def _context(parts, index, known, *, district=None, province=None):
    """(levels matched by the other parts, the parts naming no unit), or None when a part
    names another district or province. Parts naming no unit (a village, "Việt Nam") are
    ignored."""
    matched, unrecognised = set(), []
    for other_index, part in enumerate(parts):
        if other_index == index:
            continue
        if part.names_a_commune:  # the address names another commune
            return None
        if district is not None and _matching_reading(part, DISTRICT, district):
            matched.add(DISTRICT)
        elif province is not None and _matching_reading(part, PROVINCE, province):
            matched.add(PROVINCE)
        elif part.keys(DISTRICT) & known.district_keys or part.keys(PROVINCE) & known.province_keys:
            return None
        else:
            unrecognised.append(part.text)
    return matched, tuple(unrecognised)


def _division_agrees(reading, unit):
    return reading.division is not None and reading.division == fold(unit.division_type)


def _is_exact(reading, unit):
    return (
        reading.typed is not None
        and reading.prefix_is_exact
        and reading.typed == unit.short_name.lower()
    )


# Results ----------------------------------------------------------------------------------


def _legacy_result(result, scored, units):
    best_score = scored[0][0]
    tied = [item[1] for item in scored if item[0] == best_score]
    if len({unit.pk for unit in tied}) > 1:
        result.candidates = tuple(tied[:10])
        result.note = AMBIGUOUS
        return result
    _, unit, levels, result.unrecognised_parts = scored[0]
    result.legacy_commune = unit
    result.legacy_district = unit.district
    result.legacy_province = unit.district.province
    if DISTRICT in levels:
        result.confidence = Confidence.HIGH
    elif PROVINCE in levels:
        result.confidence = Confidence.MEDIUM
    else:
        result.confidence = Confidence.LOW
    result.successors = units.successors_of(unit)
    if result.successors:
        result.province = result.successors[0].commune.province
    else:
        result.confidence = Confidence.NONE
        result.note = NO_SUCCESSOR
        result.province = units.successor_province(unit.district.province_id)
    return result


def _current_candidates(parts, units):
    """Today's communes that fit, when the address is already written with today's units."""
    names = set().union(*(part.names(COMMUNE) for part in parts))
    province_keys = set().union(*(part.keys(PROVINCE) for part in parts)) - {""}
    found = units.communes_named(names)
    if not found:
        return []
    known_provinces = units.province_keys(province_keys) if province_keys else set()
    known = _Known(district_keys=set(), province_keys=known_provinces)
    scored = []
    for unit in found:
        for index, part in enumerate(parts):
            reading = _matching_reading(part, COMMUNE, unit)
            if reading is None:
                continue
            context = _context(parts, index, known, province=unit.province)
            if context is None:
                continue
            levels, unrecognised = context
            score = (len(levels), _division_agrees(reading, unit), _is_exact(reading, unit))
            scored.append((score, unit, levels, unrecognised))
            break
    scored.sort(key=lambda item: item[0], reverse=True)
    return scored


def _current_result(result, scored):
    best_score = scored[0][0]
    tied = [item[1] for item in scored if item[0] == best_score]
    if len(tied) > 1:
        result.note = AMBIGUOUS
        return result
    _, unit, levels, result.unrecognised_parts = scored[0]
    result.successors = (Successor(commune=unit, is_primary=True, is_partial=False),)
    result.province = unit.province
    result.confidence = Confidence.HIGH if PROVINCE in levels else Confidence.LOW
    result.note = CURRENT_UNIT
    return result


def _area_result(result, parts, known, context_missing, units):
    """No commune: say whether the name existed elsewhere, or report the district/province."""
    if context_missing:
        result.note = CONTEXT_MISMATCH
        return result
    district_keys, province_keys = set(), set()
    for part in parts:
        named_district = {
            reading.key for reading in part.readings if reading.levels == {DISTRICT}
        } & known.district_keys
        if named_district:  # "Huyện Điện Biên"
            district_keys |= named_district
        elif part.keys(PROVINCE) & known.province_keys:  # "Điện Biên" is the province
            province_keys |= part.keys(PROVINCE) & known.province_keys
        else:
            district_keys |= part.keys(DISTRICT) & known.district_keys
    if province_keys:
        provinces = units.legacy_provinces_keyed(province_keys)
        if len(provinces) == 1:
            result.legacy_province = provinces[0]
    if district_keys:
        districts = units.legacy_districts_keyed(district_keys, result.legacy_province)
        if len(districts) == 1:
            result.legacy_district = districts[0]
            result.legacy_province = districts[0].province
    if result.legacy_province is not None:
        result.province = units.successor_province(result.legacy_province.pk)
    if result.legacy_district is not None:
        result.note = DISTRICT_ONLY
    elif result.legacy_province is not None:
        result.note = PROVINCE_ONLY
    else:
        result.note = NOT_FOUND
    return result


# Where the units are looked up -------------------------------------------------------------


class _DatabaseUnits:
    """Each lookup is a query on the indexed tables: right for one address at a time."""

    def legacy_district_keys(self, keys):
        keyed = LegacyDistrict.objects.annotate(key=_key_of("folded_name"))
        return set(keyed.filter(key__in=keys).values_list("key", flat=True))

    def legacy_province_keys(self, keys):
        keyed = LegacyProvince.objects.annotate(key=_key_of("folded_name"))
        return set(keyed.filter(key__in=keys).values_list("key", flat=True))

    def province_keys(self, keys):
        keyed = Province.objects.annotate(key=_key_of("folded_name"))
        return set(keyed.filter(key__in=keys).values_list("key", flat=True))

    def _legacy_communes(self):
        return LegacyCommune.objects.select_related("district__province").order_by("code")

    def legacy_communes_named(self, names):
        return list(self._legacy_communes().filter(folded_name__in=names)[:MAX_CANDIDATES])

    def legacy_communes_keyed(self, keys):
        keyed = self._legacy_communes().alias(key=_key_of("folded_name"))
        return list(keyed.filter(key__in=keys)[:MAX_CANDIDATES])

    def communes_named(self, names):
        communes = Commune.objects.select_related("province").filter(folded_name__in=names)
        return list(communes.order_by("code")[:MAX_CANDIDATES])

    def legacy_provinces_keyed(self, keys):
        return list(LegacyProvince.objects.alias(key=_key_of("folded_name")).filter(key__in=keys))

    def provinces_keyed(self, keys):
        return list(Province.objects.alias(key=_key_of("folded_name")).filter(key__in=keys))

    def legacy_districts_keyed(self, keys, province=None):
        districts = LegacyDistrict.objects.alias(key=_key_of("folded_name")).filter(key__in=keys)
        if province is not None:
            districts = districts.filter(province=province)
        return list(districts.select_related("province")[:2])

    def successors_of(self, legacy_commune):
        successions = CommuneSuccession.objects.filter(legacy_commune=legacy_commune)
        return tuple(
            Successor(commune=row.commune, is_primary=row.is_primary, is_partial=row.is_partial)
            for row in successions.select_related("commune__province").order_by(
                "-is_primary", "commune_id"
            )
        )

    def successor_province(self, code):
        return successor_province(code)


_DATABASE = _DatabaseUnits()


class PreloadedUnits:
    """Every unit and succession read once into memory (a few queries, some megabytes), so that
    an import resolves thousands of addresses without a query each. Same answers as the
    database lookups; build one per job, since it does not see later changes."""

    def __init__(self):
        provinces = {province.pk: province for province in Province.objects.all()}
        self._provinces_by_key = _index(provinces.values())
        legacy_provinces = {province.pk: province for province in LegacyProvince.objects.all()}
        self._legacy_provinces_by_key = _index(legacy_provinces.values())
        districts = list(LegacyDistrict.objects.order_by("code"))
        for district in districts:
            district.province = legacy_provinces[district.province_id]
        self._districts_by_key = _index(districts)
        districts = {district.pk: district for district in districts}
        communes = list(LegacyCommune.objects.order_by("code"))
        for commune in communes:
            commune.district = districts[commune.district_id]
        self._legacy_communes_by_name = _index(communes, key=lambda unit: unit.folded_name)
        self._legacy_communes_by_key = _index(communes)
        today = list(Commune.objects.order_by("code"))
        for commune in today:
            commune.province = provinces[commune.province_id]
        self._communes_by_name = _index(today, key=lambda unit: unit.folded_name)
        today = {commune.pk: commune for commune in today}
        self._successors = {}
        for row in CommuneSuccession.objects.order_by(
            "legacy_commune_id", "-is_primary", "commune_id"
        ):
            self._successors.setdefault(row.legacy_commune_id, []).append(
                Successor(
                    commune=today[row.commune_id],
                    is_primary=row.is_primary,
                    is_partial=row.is_partial,
                )
            )
        self._successor_provinces = {}

    def legacy_district_keys(self, keys):
        return {key for key in keys if key in self._districts_by_key}

    def legacy_province_keys(self, keys):
        return {key for key in keys if key in self._legacy_provinces_by_key}

    def province_keys(self, keys):
        return {key for key in keys if key in self._provinces_by_key}

    def legacy_communes_named(self, names):
        return _gather(self._legacy_communes_by_name, names)

    def legacy_communes_keyed(self, keys):
        return _gather(self._legacy_communes_by_key, keys)

    def communes_named(self, names):
        return _gather(self._communes_by_name, names)

    def legacy_provinces_keyed(self, keys):
        return _gather(self._legacy_provinces_by_key, keys)

    def provinces_keyed(self, keys):
        return _gather(self._provinces_by_key, keys)

    def legacy_districts_keyed(self, keys, province=None):
        districts = _gather(self._districts_by_key, keys)
        if province is not None:
            districts = [district for district in districts if district.province_id == province.pk]
        return districts[:2]

    def successors_of(self, legacy_commune):
        return tuple(self._successors.get(legacy_commune.pk, ()))

    def successor_province(self, code):
        if code not in self._successor_provinces:
            self._successor_provinces[code] = successor_province(code)
        return self._successor_provinces[code]


def _index(units, key=lambda unit: _key(unit.folded_name)):
    index = {}
    for unit in units:
        index.setdefault(key(unit), []).append(unit)
    return index


def _gather(index, keys):
    found = [unit for key in keys for unit in index.get(key, ())]
    found.sort(key=lambda unit: unit.pk)
    return found[:MAX_CANDIDATES]
