"""The dry run: what each row of a recognition list would become, read against the database
without writing anything.

For each row: its fields (``columns``), where it is placed today (the address resolved with
``ocop.regions.resolve`` against units preloaded in memory; when only the province is known the
commune is left open), the producer it matches (registration number, else folded name within
the commune), the product (folded name within the producer), and what it adds: a certificate
under a historical decision (rows with a decision number and date) or a reported recognition.
Rows are planned in order, so that two rows of one new producer create it once.

:func:`make_plan` returns a :class:`Plan`; ``ocop.imports.commit`` writes it. The plan is
made again inside the commit's transaction, so that what is written is what the database holds
then, not what it held at the preview.

One module, though long: the planner reads a row field by field in order, and each field's
check needs the state the earlier ones left (placement, producer, product, decision)."""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.certificates.recognition.forms import LONGEST_VALIDITY_MONTHS
from ocop.certificates.recognition.models import (
    AUTHORITY_STARS,
    DISTRICTS_ABOLISHED,
    Authority,
    Certificate,
    RecognitionDecision,
)
from ocop.core.deadlines import WorkingCalendar, add_months, certificate_expires_on
from ocop.core.text import fold, normalize
from ocop.producers.choices import ProducerKind
from ocop.producers.models import Producer
from ocop.products.models import Product
from ocop.regions.models import Province
from ocop.regions.resolve import Confidence, PreloadedUnits, province_named, resolve_legacy_address

from .classification import Classifier
from .columns import (
    EARLIEST_DECISION,
    LABELS,
    CellError,
    Field,
    Header,
    cell_text,
    producer_kind_from_name,
    read_authority,
    read_date,
    read_decision,
    read_producer_kind,
    read_score,
    read_star,
    read_text,
    read_url,
)
from .models import ImportRow, ReportedRecognition

Outcome, Kind = ImportRow.Outcome, ImportRow.Kind
#: Placement of a row whose commune is open: only its province is known.
PROVINCE_ONLY = "province"
#: The numbering of a heading ("II.", "3)", "B."), not part of the unit it names.
_ENUMERATOR = re.compile(r"^\s*(?:[IVXLC]+|\d+|[A-Za-z])\s*[.)]\s+")
CHUNK = 500


@dataclass
class Message:
    column: str  # a Field value, or "" for the row
    text: object  # a (lazy) message
    error: bool = False

    def as_dict(self):
        return {"column": self.column, "text": str(self.text), "error": self.error}


@dataclass
class Placement:
    province: Province | None = None
    commune: object = None  # regions.Commune or None (open)
    legacy_commune: object = None
    confidence: str = Confidence.NONE
    text: str = ""
    street: tuple = ()  # the parts of the address that name no unit (a village, a street)

    @property
    def label(self) -> str:
        units = [unit.name for unit in (self.commune, self.province) if unit is not None]
        return ", ".join(units)


@dataclass
class NewProducer:
    name: str
    folded_name: str
    kind: str
    registration_number: str
    representative_name: str
    phone: str
    address: str
    placement: Placement
    first_row: int
    instance: Producer | None = None  # set by the commit

    @property
    def pk(self):
        return self.instance.pk if self.instance else None


@dataclass
class NewProduct:
    producer: object  # Producer or NewProducer
    name: str
    folded_name: str
    scoring_set: int
    first_row: int
    instance: Product | None = None

    @property
    def pk(self):
        return self.instance.pk if self.instance else None


@dataclass
class DecisionPlan:
    province: Province | None  # None for the Minister's decisions
    authority: str
    number: str
    decided_on: datetime.date
    signer_name: str
    existing: RecognitionDecision | None = None
    key: tuple = ()
    next_position: int = 1  # set by the commit
    instance: RecognitionDecision | None = None


@dataclass
class RowPlan:
    row: int  # as the spreadsheet numbers it (1 = first line)
    outcome: str = Outcome.NEW
    kind: str = ""
    product_name: str = ""
    producer_name: str = ""
    address: str = ""
    placement: Placement = field(default_factory=Placement)
    star: int | None = None
    score: object = None
    producer: object = None  # Producer or NewProducer
    product: object = None  # Product or NewProduct
    producer_updates: dict = field(default_factory=dict)
    decision: DecisionPlan | None = None
    certificate_number: str = ""
    issued_on: datetime.date | None = None
    valid_until: datetime.date | None = None
    source_url: str = ""
    source_text: str = ""
    already_recorded: bool = False  # its certificate or reported star is in the database
    values: dict = field(default_factory=dict, repr=False)  # {Field: cell}
    cells: list = field(default_factory=list, repr=False)
    messages: list = field(default_factory=list)

    def note(self, text, column=""):
        self.messages.append(Message(column=str(column), text=text))

    def fail(self, text, column=""):
        self.messages.append(Message(column=str(column), text=text, error=True))

    @property
    def has_errors(self) -> bool:
        return any(message.error for message in self.messages)

    @property
    def writes(self) -> bool:
        return self.outcome in (Outcome.NEW, Outcome.MATCHED, Outcome.UPDATED)


@dataclass
class Plan:
    header: Header
    rows: list
    decisions: dict  # key → DecisionPlan

    @property
    def counts(self) -> dict:
        return dict(Counter(row.outcome for row in self.rows))

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.outcome == Outcome.ERROR)


def _decision_key(province, authority, number, year):
    scope = None if authority == Authority.MINISTER else getattr(province, "pk", province)
    return (scope, authority, fold(number).replace(" ", ""), year)


# --------------------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------------------


def make_plan(table, header, *, actor, province=None, progress=None) -> Plan:
    """Plan every data row of `table` below `header`. `province` is the province the import is
    for (None: the central office, any province). `progress(done, total)` is called every few
    hundred rows."""
    planner = _Planner(actor=actor, province=province)
    data = list(enumerate(table.rows))[header.row_index + 1 :]
    formulas = set(table.formula_cells)
    numbers = table.row_numbers or tuple(range(1, len(table.rows) + 1))
    rows = []
    for start in range(0, len(data), CHUNK):
        chunk = data[start : start + CHUNK]
        parsed = [
            planner.parse(index, numbers[index], cells, header, formulas) for index, cells in chunk
        ]
        parsed = [row for row in parsed if row is not None]
        planner.load_existing(parsed)
        for row in parsed:
            planner.plan(row)
        rows.extend(parsed)
        if progress:
            progress(min(start + CHUNK, len(data)), len(data))
    planner.check_duplicates(rows)
    return Plan(header=header, rows=rows, decisions=planner.decisions)


class _Planner:
    def __init__(self, *, actor, province):
        self.actor = actor
        self.province = province
        self.today = timezone.localdate()
        self.units = PreloadedUnits()
        self.classifier = Classifier()
        self.calendar = WorkingCalendar.from_database(EARLIEST_DECISION, self.today)
        self.provinces = {unit.pk: unit for unit in Province.objects.all()}
        self._resolved = {}
        self.context = ""  # the district or province of the last heading row
        # What the file creates, by matching key, so that later rows reuse it.
        self.new_producers_by_number = {}
        self.new_producers_by_name = {}
        self.new_products = {}
        self.decisions = {}
        # What the database holds, loaded chunk by chunk.
        self.producers_by_number = {}
        self.producers_by_name = {}  # (commune or province code, folded name) → [Producer]
        self.products = {}  # (producer id, folded name) → Product
        self.certificates = {}  # (product id, decision key) → Certificate
        self.certificate_numbers = {}  # number → product id
        self.reported = set()  # (product id, star)
        self.certified_stars = set()  # (product id, star)
        self.numbers_in_file = {}
        self._loaded_producers = set()
        self._decisions_recorded = None

    # Reading ---------------------------------------------------------------------------

    def parse(self, index, number, cells, header, formulas):
        """The row's fields and its source text; None for an empty row."""
        if not any(cell_text(cell) for cell in cells):
            return None
        row = RowPlan(row=number)
        values = {}
        for column, position in header.columns.items():
            value = cells[position] if position < len(cells) else None
            if (index, position) in formulas and column == Field.STAR:
                row.fail(
                    _(
                        "The star is a formula's result; type the star itself (formulas are "
                        "never trusted as a star)."
                    ),
                    column,
                )
                value = None
            values[column] = value
        source = {
            text: cell_text(cells[position])
            for position, text in header.source_columns.items()
            if position < len(cells) and cell_text(cells[position])
        }
        row.source_text = "; ".join(f"{name}: {value}" for name, value in source.items())[:4000]
        row.values, row.cells = values, cells
        return row

    def field(self, row, column, reader, **kwargs):
        try:
            return reader(row.values.get(column), **kwargs)
        except CellError as error:
            row.fail(error.message, column)
            return None

    # Planning a row --------------------------------------------------------------------

    def plan(self, row):
        text = lambda column, length: self.field(  # noqa: E731
            row, column, read_text, max_length=length, label=LABELS[column]
        )
        row.product_name = text(Field.PRODUCT, 200) or ""
        row.producer_name = text(Field.PRODUCER, 200) or ""
        star_cell = cell_text(row.values.get(Field.STAR))
        filled = sum(1 for cell in row.cells if cell_text(cell))
        if not star_cell and not row.has_errors and (not row.product_name or filled == 1):
            return self._heading(row)
        if not row.product_name:
            row.fail(_("The product name is empty."), Field.PRODUCT)
        if row.values.get(Field.STAR) is not None or not row.has_errors:
            row.star = self.field(row, Field.STAR, read_star)
        if row.star is not None and row.star < 3:
            row.fail(
                _(
                    "%(star)s stars is not an OCOP recognition: only 3, 4 and 5-star products "
                    "are recognised (art. 7)."
                )
                % {"star": row.star},
                Field.STAR,
            )
        row.score = self.field(row, Field.SCORE, read_score)
        row.source_url = self.field(row, Field.SOURCE_URL, read_url) or ""
        self._place(row)
        if row.placement.province is not None:
            self._match_producer(row)
        if row.producer is not None:
            self._match_product(row)
        self._certificate_or_report(row)
        self._outcome(row)

    def _heading(self, row):
        """A row with no star and no product, or only one cell ("II. HUYỆN MƯỜNG ẢNG"):
        skipped; when it names a district or province, the rows below without an address are
        placed there."""
        text = " ".join(cell_text(cell) for cell in row.cells if cell_text(cell))[:200]
        resolved = self.resolve(_ENUMERATOR.sub("", text))
        if resolved.legacy_district is not None or resolved.legacy_province is not None:
            self.context = _ENUMERATOR.sub("", text)
            row.note(_("Heading: the rows below are placed in “%(text)s”.") % {"text": text})
        else:
            row.note(_("Heading or note row, skipped: “%(text)s”.") % {"text": text[:80]})
        row.outcome = Outcome.SKIPPED

    def resolve(self, text):
        if text not in self._resolved:
            self._resolved[text] = resolve_legacy_address(text, units=self.units)
        return self._resolved[text]

    def _shared_province(self, resolved):
        """Today's province of every commune an ambiguous address may name, when they share
        one ("Xã Đông Khê, Thành phố Thanh Hóa" names two former communes of Thanh Hóa)."""
        provinces = {
            successor.commune.province
            for candidate in resolved.candidates
            for successor in self.units.successors_of(candidate)
        }
        return provinces.pop() if len(provinces) == 1 else None

    def province_named(self, text):
        if not text:
            return None
        key = ("province", text)
        if key not in self._resolved:
            self._resolved[key] = province_named(text, units=self.units)
        return self._resolved[key]

    def _place(self, row):
        parts = {}
        for column in (Field.ADDRESS, Field.COMMUNE, Field.DISTRICT, Field.PROVINCE):
            value = self.field(row, column, read_text, max_length=300, label=LABELS[column])
            if value:
                parts[column] = value
        row.address = ", ".join(parts.values())[:400]
        text = row.address or self.context
        placement = row.placement
        placement.text = text
        if text:
            resolved = self.resolve(text)
            named = self.province_named(text) or self.province_named(parts.get(Field.PROVINCE))
            if not resolved and resolved.province is None and named is not None:
                placement.province, placement.confidence = named, PROVINCE_ONLY
                row.note(_("Only the province is known: the commune is left open."))
            elif resolved:
                placement.province, placement.commune = resolved.province, resolved.commune
                placement.legacy_commune = resolved.legacy_commune
                placement.confidence = resolved.confidence
                placement.street = resolved.unrecognised_parts
                if resolved.is_partial:
                    row.note(
                        _(
                            "The former commune %(commune)s was split; the row is placed in "
                            "its main successor. Check the commune."
                        )
                        % {"commune": resolved.legacy_commune.name}
                    )
            elif resolved.province is not None or self._shared_province(resolved):
                placement.province = resolved.province or self._shared_province(resolved)
                placement.confidence = PROVINCE_ONLY
                row.note(
                    _("Only the province is known (%(note)s): the commune is left open.")
                    % {"note": resolved.note}
                )
            elif self.province is not None:
                placement.province, placement.confidence = self.province, PROVINCE_ONLY
                row.note(
                    _(
                        "The address was not recognised (%(note)s): the row is placed in "
                        "%(province)s with the commune open."
                    )
                    % {"note": resolved.note, "province": self.province.name}
                )
            else:
                row.fail(
                    _("The address was not recognised (%(note)s): give the province.")
                    % {"note": resolved.note},
                    Field.ADDRESS,
                )
                return
        elif self.province is not None:
            placement.province, placement.confidence = self.province, PROVINCE_ONLY
            row.note(
                _("No address: the row is placed in %(province)s with the commune open.")
                % {"province": self.province.name}
            )
        else:
            row.fail(_("No address or province: the row cannot be placed."), Field.ADDRESS)
            return
        if self.province is not None and placement.province.pk != self.province.pk:
            row.fail(
                _(
                    "The address is in %(found)s, not in %(province)s: this import is for "
                    "%(province)s only."
                )
                % {"found": placement.province.name, "province": self.province.name},
                Field.ADDRESS,
            )
            placement.province = None

    # Producers and products ------------------------------------------------------------

    def load_existing(self, rows):
        """Read, for a chunk of rows, the producers, products, certificates and reported
        recognitions they may match (a few queries a chunk)."""
        numbers, names = set(), set()
        for row in rows:
            number = cell_text(row.values.get(Field.REGISTRATION_NUMBER))
            if number:
                numbers.add(number[:20])
            name = fold(cell_text(row.values.get(Field.PRODUCER)))
            if name:
                names.add(name[:200])
        producers = []
        with_commune = Producer.objects.select_related("commune")
        if numbers:
            producers += with_commune.filter(registration_number__in=numbers)
        if names:
            producers += with_commune.filter(folded_name__in=names)
        new_ids = []
        for producer in producers:
            if producer.registration_number:
                self.producers_by_number[producer.registration_number] = producer
            for place in (producer.commune_id, producer.province_id):
                if place:
                    bucket = self.producers_by_name.setdefault((place, producer.folded_name), [])
                    if producer not in bucket:
                        bucket.append(producer)
            if producer.pk not in self._loaded_producers:
                new_ids.append(producer.pk)
                self._loaded_producers.add(producer.pk)
        for start in range(0, len(new_ids), CHUNK):
            ids = new_ids[start : start + CHUNK]
            for product in Product.objects.filter(producer_id__in=ids):
                self.products[(product.producer_id, product.folded_name)] = product
            certificates = Certificate.objects.filter(product__producer_id__in=ids).select_related(
                "decision"
            )
            for certificate in certificates:
                decision = certificate.decision
                key = _decision_key(
                    decision.province_id, decision.authority, decision.number, decision.year
                )
                self.certificates[(certificate.product_id, key)] = certificate
                self.certified_stars.add((certificate.product_id, certificate.star))
            reported = ReportedRecognition.objects.filter(product__producer_id__in=ids).exclude(
                status=ReportedRecognition.Status.DISMISSED
            )
            self.reported.update(reported.values_list("product_id", "star"))
        numbers = {
            cell_text(row.values.get(Field.CERTIFICATE_NO))[:60]
            for row in rows
            if cell_text(row.values.get(Field.CERTIFICATE_NO))
        }
        if numbers:
            self.certificate_numbers.update(
                Certificate.objects.filter(number__in=numbers).values_list("number", "product_id")
            )

    def _match_producer(self, row):
        placement = row.placement
        number = self.field(
            row,
            Field.REGISTRATION_NUMBER,
            read_text,
            max_length=20,
            label=LABELS[Field.REGISTRATION_NUMBER],
        )
        name = row.producer_name
        folded = fold(name)
        if number:
            existing = self.producers_by_number.get(number)
            if existing is not None:
                return self._matched_producer(
                    row,
                    existing,
                    _("Producer matched by registration number %(number)s.") % {"number": number},
                )
            new = self.new_producers_by_number.get(number)
            if new is not None:
                return self._reuse_new_producer(row, new)
        if not folded:
            row.fail(_("The producer is empty."), Field.PRODUCER)
            return
        place = placement.commune.pk if placement.commune is not None else placement.province.pk
        candidates = self._named(placement, folded)
        if len(candidates) > 1:
            row.fail(
                _(
                    "Several producers named “%(name)s” are registered in %(place)s: add the "
                    "registration number or the address."
                )
                % {"name": name, "place": placement.label},
                Field.PRODUCER,
            )
            return
        if candidates and isinstance(candidates[0], NewProducer):
            return self._reuse_new_producer(row, candidates[0], number=number)
        if candidates:
            existing = candidates[0]
            if number and existing.registration_number and existing.registration_number != number:
                row.fail(
                    _(
                        "A producer named “%(name)s” in %(place)s has registration number "
                        "%(existing)s, not %(number)s."
                    )
                    % {
                        "name": name,
                        "place": placement.label,
                        "existing": existing.registration_number,
                        "number": number,
                    },
                    Field.REGISTRATION_NUMBER,
                )
                return
            return self._matched_producer(
                row,
                existing,
                _("Producer matched by name in %(place)s.") % {"place": placement.label},
            )
        kind = self.field(row, Field.PRODUCER_TYPE, read_producer_kind)
        if kind is None and not row.has_errors:
            kind = producer_kind_from_name(name)
            if kind is None:
                kind = ProducerKind.HOUSEHOLD
                row.note(
                    _(
                        "No producer type: recorded as a household business. Correct it on "
                        "the producer's page if needed."
                    ),
                    Field.PRODUCER_TYPE,
                )
        if row.has_errors:
            return
        new = NewProducer(
            name=name,
            folded_name=folded,
            kind=kind,
            registration_number=number or "",
            representative_name=self._text(row, Field.REPRESENTATIVE, 150),
            phone=self._text(row, Field.PHONE, 20),
            address=self._street(row),
            placement=placement,
            first_row=row.row,
        )
        if number:
            self.new_producers_by_number[number] = new
        for key in {(place, folded), (placement.province.pk, folded)}:
            self.new_producers_by_name.setdefault(key, []).append(new)
        row.producer = new
        row.note(_("New producer."))

    def _named(self, placement, folded):
        """The producers, recorded or new in this file, a row's producer name may be: those of
        its commune, else those of its province whose commune is open; for a row whose commune
        is open, those of its province."""

        def named(place):
            return self.producers_by_name.get((place, folded), []) + self.new_producers_by_name.get(
                (place, folded), []
            )

        province = placement.province.pk
        if placement.commune is None:
            return named(province)
        return named(placement.commune.pk) or [
            producer for producer in named(province) if _commune_code(producer) is None
        ]

    def _text(self, row, column, length):
        return self.field(row, column, read_text, max_length=length, label=LABELS[column]) or ""

    def _street(self, row):
        """What the address says beyond the units (the village, the street): the producer's
        street address."""
        return ", ".join(row.placement.street)[:255]

    def _matched_producer(self, row, producer, explanation):
        row.producer = producer
        row.note(explanation)
        if self.province is not None and producer.province_id != self.province.pk:
            row.fail(
                _("This producer is registered in %(found)s, not in %(province)s.")
                % {
                    "found": self.provinces[producer.province_id].name,
                    "province": self.province.name,
                },
                Field.PRODUCER,
            )
            return
        # The producer's own units are reported (today's codes); details the list adds to an
        # empty field are filled in, never overwritten.
        placement = row.placement
        fills_commune = producer.commune_id is None and placement.commune is not None
        if fills_commune and placement.province.pk == producer.province_id:
            row.producer_updates["commune"] = placement.commune
            row.producer_updates["legacy_commune"] = placement.legacy_commune
        for column, name, length in (
            (Field.REGISTRATION_NUMBER, "registration_number", 20),
            (Field.REPRESENTATIVE, "representative_name", 150),
            (Field.PHONE, "phone", 20),
        ):
            value = self._text(row, column, length)
            if value and not getattr(producer, name):
                if name == "registration_number" and value in self.producers_by_number:
                    continue
                row.producer_updates[name] = value
        if row.producer_updates.get("registration_number"):
            self.producers_by_number[row.producer_updates["registration_number"]] = producer
        street = self._street(row)
        if street and not producer.address:
            row.producer_updates["address"] = street
        commune = row.producer_updates.get("commune") or producer.commune
        placement.province = self.provinces[producer.province_id]
        placement.commune = commune
        if commune is None:
            placement.confidence = PROVINCE_ONLY
        for key, value in list(row.producer_updates.items()):
            if key in ("commune", "legacy_commune"):
                continue
            if value == getattr(producer, key):
                del row.producer_updates[key]

    def _reuse_new_producer(self, row, new, number=None):
        row.producer = new
        row.placement = new.placement
        row.note(_("Same producer as row %(row)s.") % {"row": new.first_row})

    def _match_product(self, row):
        producer = row.producer
        folded = fold(row.product_name)
        if not folded:
            return
        if isinstance(producer, Producer):
            existing = self.products.get((producer.pk, folded))
            if existing is not None:
                row.product = existing
                row.note(_("Product matched by name within the producer."))
                return
        key = (id(producer), folded)
        new = self.new_products.get(key)
        if new is not None:
            row.product = new
            row.note(_("Same product as row %(row)s.") % {"row": new.first_row})
            return
        classified = self.field(row, Field.GROUP, self.classifier.from_group)
        if classified is None and not row.has_errors:
            classified = self.classifier.from_name(row.product_name)
        if classified is None:
            if not row.has_errors:
                row.fail(
                    _(
                        "The product's set (Annex I) could not be read from its name: add a "
                        "product_group column (e.g. “11” or “Chè”)."
                    ),
                    Field.GROUP,
                )
            return
        scoring_set = self.classifier.sets[classified.number]
        if classified.how != "set":
            row.note(
                _("Product set %(set)s, read from the %(what)s: check it.")
                % {
                    "set": scoring_set,
                    "what": {
                        "group": _("group"),
                        "sector": _("sector"),
                        "name": _("product name"),
                    }[classified.how],
                },
                Field.GROUP,
            )
        new = NewProduct(
            producer=producer,
            name=row.product_name,
            folded_name=folded,
            scoring_set=classified.number,
            first_row=row.row,
        )
        self.new_products[key] = new
        row.product = new

    # What the row adds -----------------------------------------------------------------

    def _certificate_or_report(self, row):
        number, written_on = self.field(row, Field.DECISION_NO, read_decision) or ("", None)
        decided_on = self.field(
            row, Field.DECISION_DATE, read_date, label=LABELS[Field.DECISION_DATE]
        )
        decided_on = decided_on or written_on
        if number and decided_on:
            row.kind = Kind.CERTIFIED
            self._certificate(row, number, decided_on)
        else:
            row.kind = Kind.REPORTED
            if number or decided_on:
                row.note(
                    _(
                        "The decision's number or date is missing: recorded as a reported "
                        "recognition, to complete with the decision."
                    ),
                    Field.DECISION_NO,
                )
            self._report(row)

    def _certificate(self, row, number, decided_on):
        if decided_on > self.today:
            row.fail(_("The decision date is in the future."), Field.DECISION_DATE)
        elif decided_on < EARLIEST_DECISION:
            row.fail(
                _("The decision date is before 2013, when the first OCOP stars were given."),
                Field.DECISION_DATE,
            )
        authority = self.field(row, Field.AUTHORITY, read_authority)
        if authority is None and row.star is not None:
            authority = Authority.MINISTER if row.star == 5 else Authority.PROVINCE_CHAIRMAN
        if (
            row.star is not None
            and authority is not None
            and row.star not in AUTHORITY_STARS[authority]
        ):
            row.fail(
                _("%(authority)s does not recognise %(star)s-star products.")
                % {"authority": Authority(authority).label, "star": row.star},
                Field.AUTHORITY,
            )
        if authority == Authority.DISTRICT_CHAIRMAN and decided_on >= DISTRICTS_ABOLISHED:
            row.fail(
                _("Districts were abolished on 1 July 2025: a later decision is the province's."),
                Field.AUTHORITY,
            )
        if authority == Authority.MINISTER and self.province is not None and not row.has_errors:
            # The Minister's decisions are recorded by the central office (who prepares them).
            row.kind = Kind.REPORTED
            row.note(
                _(
                    "5-star decisions are recorded by the central OCOP office: recorded as a "
                    "reported recognition, which the central office completes."
                ),
                Field.DECISION_NO,
            )
            return self._report(row)
        valid_until = self.field(row, Field.EXPIRY, read_date, label=LABELS[Field.EXPIRY])
        if valid_until is None:
            valid_until = certificate_expires_on(decided_on, calendar=self.calendar)
        elif valid_until <= decided_on:
            row.fail(_("The expiry is not after the decision date."), Field.EXPIRY)
        elif valid_until > add_months(decided_on, LONGEST_VALIDITY_MONTHS):
            row.fail(
                _(
                    "A certificate is valid 36 months: an end of validity more than 5 years "
                    "after the issue must be a typing error."
                ),
                Field.EXPIRY,
            )
        certificate_number = self._text(row, Field.CERTIFICATE_NO, 60)
        if row.has_errors or row.placement.province is None:
            return
        decision = self._decision(row, authority, number, decided_on)
        if decision is None:
            return
        row.decision = decision
        row.issued_on, row.valid_until = decided_on, valid_until
        row.certificate_number = certificate_number
        product = row.product
        if isinstance(product, Product):
            existing = self.certificates.get((product.pk, decision.key))
            if existing is not None:
                if existing.star != row.star:
                    row.fail(
                        _(
                            "Certificate %(number)s already records %(existing)s stars for this "
                            "product under decision %(decision)s, not %(star)s."
                        )
                        % {
                            "number": existing.number,
                            "existing": existing.star,
                            "decision": number,
                            "star": row.star,
                        },
                        Field.STAR,
                    )
                else:
                    row.already_recorded = True
                return
        if certificate_number:
            holder = self.certificate_numbers.get(certificate_number)
            if holder is not None:
                row.fail(
                    _("Certificate number %(number)s is already used by another product.")
                    % {"number": certificate_number},
                    Field.CERTIFICATE_NO,
                )
                return
            first = self.numbers_in_file.setdefault(certificate_number, row.row)
            if first != row.row:
                row.fail(
                    _("Certificate number %(number)s is also given on row %(row)s.")
                    % {"number": certificate_number, "row": first},
                    Field.CERTIFICATE_NO,
                )

    def _decision(self, row, authority, number, decided_on):
        province = None if authority == Authority.MINISTER else row.placement.province
        key = _decision_key(province, authority, number, decided_on.year)
        decision = self.decisions.get(key)
        if decision is None:
            existing = self._existing_decision(province, authority, number, decided_on.year)
            decision = DecisionPlan(
                province=province,
                authority=authority,
                number=normalize(number),
                decided_on=decided_on,
                signer_name=self._text(row, Field.SIGNER, 150),
                existing=existing,
            )
            if existing is not None:
                decision.decided_on = existing.decided_on
            decision.key = key
            self.decisions[key] = decision
        if decision.existing is not None and not decision.existing.is_historical:
            row.fail(
                _(
                    "Decision %(number)s of %(year)s was issued on the platform: its "
                    "certificates cannot be imported."
                )
                % {"number": number, "year": decided_on.year},
                Field.DECISION_NO,
            )
            return None
        if decision.decided_on != decided_on:
            row.fail(
                _("Decision %(number)s is dated %(date)s elsewhere, not %(other)s.")
                % {
                    "number": number,
                    "date": decision.decided_on.strftime("%d/%m/%Y"),
                    "other": decided_on.strftime("%d/%m/%Y"),
                },
                Field.DECISION_DATE,
            )
            return None
        return decision

    def _existing_decision(self, province, authority, number, year):
        if self._decisions_recorded is None:
            # Every decision recorded (some thousands in the country): read once.
            self._decisions_recorded = {
                _decision_key(d.province_id, d.authority, d.number, d.year): d
                for d in RecognitionDecision.objects.only(
                    "pk", "number", "year", "authority", "province", "decided_on", "is_historical"
                )
            }
        return self._decisions_recorded.get(_decision_key(province, authority, number, year))

    def _report(self, row):
        product = row.product
        if isinstance(product, Product) and row.star is not None:
            key = (product.pk, row.star)
            row.already_recorded = key in self.reported or key in self.certified_stars

    # Outcome ---------------------------------------------------------------------------

    def _outcome(self, row):
        if row.has_errors:
            row.outcome = Outcome.ERROR
            return
        if isinstance(row.product, NewProduct):
            row.outcome = Outcome.NEW
        elif row.already_recorded:
            row.outcome = Outcome.UPDATED if row.producer_updates else Outcome.UNCHANGED
        else:
            row.outcome = Outcome.UPDATED if row.producer_updates else Outcome.MATCHED
        if row.outcome == Outcome.UNCHANGED:
            row.note(_("Already recorded: nothing to change."))

    def check_duplicates(self, rows):
        """The same product twice in one decision, or the same reported star twice."""
        seen = {}
        for row in rows:
            if row.outcome in (Outcome.ERROR, Outcome.SKIPPED) or row.product is None:
                continue
            key = (id(row.product), row.decision.key if row.decision else None, row.star)
            if row.decision is not None:
                key = (id(row.product), row.decision.key)
            first = seen.setdefault(key, row.row)
            if first != row.row:
                row.fail(
                    _("The same product is listed on row %(row)s for the same recognition.")
                    % {"row": first},
                    Field.PRODUCT,
                )
                row.outcome = Outcome.ERROR


def _commune_code(producer):
    if isinstance(producer, NewProducer):
        return getattr(producer.placement.commune, "pk", None)
    return producer.commune_id
