"""The figures of the dashboards, the open data and the exports, read from the summary tables.

Every figure is a :class:`Table` (title, columns, rows, optional chart) so that the page, its
XLSX and CSV exports and the open-data files show the same numbers. Each table costs one
GROUP BY query (a few cost none: they are derived from another table's rows), whatever the
amount of data.

One module, though long: every dashboard table is built here from the same scopes and summary
rows, so that the page, its exports and the open data cannot disagree."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Q, Sum, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ocop.certificates.models import grace_days
from ocop.evaluations.models import Dossier
from ocop.market.models import Inquiry, Participation, SalesChannel
from ocop.producers.choices import ProducerKind
from ocop.products.models import ScoringSet
from ocop.regions.models import Commune, Province

from . import tallies
from .cache import cached
from .centres import points
from .models import CertificateFact, CriterionLoss, pending_re_rating_products, valid_q

STARS = (3, 4, 5)
EXPIRY_HORIZON_DAYS = 180
FIRST_TREND_YEAR = 2019  # the first national rubric (1048/QĐ-TTg)
LIST_LIMIT = 50
#: How a commune left open (an imported producer placed only in its province) is listed.
OPEN_COMMUNE = _("Commune to fill in")
TOP_CRITERIA = 15

#: Dossiers whose provincial result reached the 5★ band and that wait for (or are in, or have
#: passed) the central round, without a 5★ certificate yet: "potential 5★".
POTENTIAL_FIVE_STATUSES = (
    Dossier.Status.AWAITING_APPROVAL,
    Dossier.Status.SENT_CENTRAL,
    Dossier.Status.IN_CENTRAL_ROUND,
    Dossier.Status.PROPOSED_CENTRAL,
)


@dataclass(frozen=True)
class Scope:
    """Whose figures: the nation, one province or one commune."""

    level: str  # "national", "province" or "commune"
    province: Province | None = None
    commune: Commune | None = None

    @property
    def code(self) -> str:
        unit = self.commune or self.province
        return unit.code if unit else ""

    @property
    def name(self) -> str:
        unit = self.commune or self.province
        return unit.name if unit else _("Viet Nam")

    def facts(self):
        if self.commune is not None:
            return CertificateFact.objects.filter(commune_id=self.commune.code)
        if self.province is not None:
            return CertificateFact.objects.filter(province_id=self.province.code)
        return CertificateFact.objects.all()

    def dossiers(self):
        if self.commune is not None:
            return Dossier.objects.filter(commune_id=self.commune.code)
        if self.province is not None:
            return Dossier.objects.filter(province_id=self.province.code)
        return Dossier.objects.all()


NATIONAL = Scope("national")


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""
    chart: dict | None = None  # {"type", "labels", "datasets": [{"label", "data"}]}
    # The map (static/stats/maps.js): provinces shaded by their products, {"values": {code: n}},
    # or one province outlined with its communes, {"focus": code, "markers": [{"name", "lat",
    # "lon", "products"}]}.
    map: dict | None = None
    links: list[str] | None = None  # per row, where its first cell leads (lists of certificates)

    @property
    def map_script_id(self) -> str:
        return f"map-data-{self.key}"

    @property
    def chart_script_id(self) -> str:
        return f"chart-data-{self.key}"

    def linked_rows(self):
        """Each row with where its first cell leads ('' where nothing)."""
        return zip(self.links or [""] * len(self.rows), self.rows, strict=True)

    def chart_data(self):
        if not self.chart:
            return None
        return {"title": str(self.title), **self.chart}


def star_label(star) -> str:
    return f"{star}★"


# --------------------------------------------------------------------------------------
# The headline (summary.json and the top of every dashboard)
# --------------------------------------------------------------------------------------


def potential_five_star(scope: Scope, day: datetime.date) -> int:
    """The few dossiers in the potential 5★ statuses, less those whose product holds a 5★
    certificate (asked per dossier through the facts' product index, not by listing the 5★
    facts)."""
    five_star = CertificateFact.objects.filter(
        product_id=OuterRef("product_id"), star=5, issued_on__lte=day
    )
    # Submitted by the end of ``day``, compared as a moment: a date of each row would be
    # computed row by row.
    end_of_day = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )
    return (
        scope.dossiers()
        .filter(status__in=POTENTIAL_FIVE_STATUSES, submitted_at__lt=end_of_day)
        .exclude(Exists(five_star))
        .values("product_id")
        .distinct()
        .count()
    )


def breakdown(scope: Scope, day: datetime.date) -> list[dict]:
    """The products counting on ``day`` by unit (province for the nation, commune below),
    scoring set and star, with those expiring within 180 days and those one criterion from the
    next star: one query that most tables of a dashboard are summed from; the nation's from the
    tallies (a few thousand rows whatever the number of certificates), a province's or a
    commune's from the facts valid on ``day`` (by commune). (One product holds one valid
    certificate at most on a day, so rows are products; the producer types have their own
    query, :func:`producers_by_kind`.)"""
    if scope.level == "national":
        return tallies.counts_on(day)
    horizon = day + datetime.timedelta(days=EXPIRY_HORIZON_DAYS)
    unit = "province_id" if scope.level == "national" else "commune_id"
    return list(
        scope.facts()
        .filter(valid_q(day))
        .values(unit, "scoring_set_id", "star")
        .annotate(
            unit=F(unit),
            n=Count("pk"),
            expiring=Count("pk", filter=Q(valid_until__lte=horizon)),
            one_step=Count("pk", filter=Q(upgrades_to_next_star=1)),
        )
        .order_by()
    )


def _sum_by(rows, key):
    """{key value: {star: n}} summed over ``rows`` of :func:`breakdown`."""
    table = defaultdict(lambda: dict.fromkeys(STARS, 0))
    for row in rows:
        table[row[key]][row["star"]] += row["n"]
    return table


def headline(scope: Scope, day: datetime.date, rows=None) -> dict:
    """Products with a valid 3★+ certificate on ``day``, by star; the ones expiring within
    180 days and those one criterion from the next star."""
    rows = breakdown(scope, day) if rows is None else rows
    by_star = dict.fromkeys(STARS, 0)
    expiring = one_step = 0
    for row in rows:
        by_star[row["star"]] += row["n"]
        expiring += row["expiring"]
        one_step += row["one_step"] if row["star"] < 5 else 0
    return {
        "products": sum(by_star.values()),
        "by_star": by_star,
        "expiring": expiring,
        "one_step": one_step,
    }


def producers_by_kind(scope: Scope, day: datetime.date) -> dict[str, dict]:
    """producer type → {"producers", "products"} holding a valid certificate on ``day`` (the
    tallies for the nation and a province, the facts for a commune)."""
    if scope.level != "commune":
        province = scope.province.code if scope.province is not None else None
        return tallies.kinds_on(day, province=province)
    rows = (
        scope.facts()
        .filter(valid_q(day))
        .values("producer_kind")
        .annotate(
            producers=Count("producer_id", distinct=True),
            products=Count("pk"),
        )
        .order_by("producer_kind")
    )
    return {
        row["producer_kind"]: {"producers": row["producers"], "products": row["products"]}
        for row in rows
    }


def provinces_by_star(day: datetime.date, rows=None) -> list[dict]:
    """Every province with its products by star on ``day``, most products first (the names:
    1 query; the counts from the national :func:`breakdown`, or 1 more)."""
    rows = breakdown(NATIONAL, day) if rows is None else rows
    counts = _sum_by(rows, "unit")
    provinces = [
        {
            "code": code,
            "name": name,
            "products": sum(counts[code].values()),
            "by_star": {str(star): counts[code][star] for star in STARS},
        }
        for code, name in Province.objects.order_by("code").values_list("code", "name")
    ]
    provinces.sort(key=lambda province: (-province["products"], province["code"]))
    return provinces


def summary(day: datetime.date) -> dict:
    """The national summary of ``/open-data/summary.json`` (cached: the version, then on a
    miss 4 queries)."""
    return cached("summary", [day.isoformat()], lambda: _summary(day))


def _summary(day: datetime.date) -> dict:
    rows = breakdown(NATIONAL, day)
    top = headline(NATIONAL, day, rows)
    kinds = producers_by_kind(NATIONAL, day)
    return {
        "as_of": day.isoformat(),
        "products": top["products"],
        "by_star": {str(star): top["by_star"][star] for star in STARS},
        "potential_5_star": potential_five_star(NATIONAL, day),
        "producers": sum(kind["producers"] for kind in kinds.values()),
        "producers_by_type": {kind: kinds[kind]["producers"] for kind in sorted(kinds)},
        "provinces": provinces_by_star(day, rows),
    }


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------


def star_table(top: dict, potential: int) -> Table:
    rows = [[star_label(star), top["by_star"][star]] for star in STARS]
    rows.append([_("Potential 5★"), potential])
    rows.append([_("Total 3★ and above"), top["products"]])
    return Table(
        "by_star",
        _("Products by star"),
        [_("Star"), _("Products")],
        rows,
        note=_("Potential 5★: 90 points or more at the province, not yet recognised centrally."),
        chart={
            "type": "bar",
            "labels": [row[0] for row in rows[:4]],
            "datasets": [{"label": _("Products"), "data": [row[1] for row in rows[:4]]}],
        },
    )


def classification_tables(scope: Scope, day: datetime.date, rows=None) -> list[Table]:
    """By sector, group and scoring set (the classification: 1 query)."""
    rows = breakdown(scope, day) if rows is None else rows
    by_set = _sum_by(rows, "scoring_set_id")
    sets = list(ScoringSet.objects.select_related("group__sector").order_by("number"))
    by_group = defaultdict(lambda: dict.fromkeys(STARS, 0))
    by_sector = defaultdict(lambda: dict.fromkeys(STARS, 0))
    for scoring_set in sets:
        for star in STARS:
            count = by_set[scoring_set.number][star]
            by_group[scoring_set.group][star] += count
            by_sector[scoring_set.group.sector][star] += count

    def rows_of(counts, label):
        return [
            [label(unit), *(counts[unit][star] for star in STARS), sum(counts[unit].values())]
            for unit in sorted(counts, key=lambda unit: unit.pk)
        ]

    columns = [*(star_label(star) for star in STARS), _("Total products")]
    sectors = rows_of(by_sector, lambda sector: f"{sector.numeral}. {sector.name}")
    return [
        Table(
            "by_sector",
            _("Products by sector"),
            [_("Sector"), *columns],
            sectors,
            chart={
                "type": "bar",
                "labels": [row[0] for row in sectors],
                "datasets": [
                    {"label": star_label(star), "data": [row[i + 1] for row in sectors]}
                    for i, star in enumerate(STARS)
                ],
                "stacked": True,
            },
        ),
        Table(
            "by_group",
            _("Products by product group"),
            [_("Product group"), *columns],
            rows_of(by_group, lambda group: f"{group.code}. {group.name}"),
        ),
        Table(
            "by_set",
            _("Products by scoring set"),
            [_("Scoring set"), *columns],
            [
                [
                    str(s),
                    *(by_set[s.number][star] for star in STARS),
                    sum(by_set[s.number].values()),
                ]
                for s in sets
            ],
        ),
    ]


def producer_kind_table(kinds: dict) -> Table:
    rows = [
        [
            ProducerKind(kind).label if kind in ProducerKind.values else kind,
            v["producers"],
            v["products"],
        ]
        for kind, v in sorted(kinds.items(), key=lambda item: -item[1]["producers"])
    ]
    total = sum(row[1] for row in rows)
    for row in rows:
        row.append(_percent(row[1], total))
    return Table(
        "by_producer_type",
        _("Producers by type"),
        [_("Producer type"), _("Producers"), _("Products"), _("Share of producers (%)")],
        rows,
        chart={
            "type": "doughnut",
            "labels": [row[0] for row in rows],
            "datasets": [{"label": _("Producers"), "data": [row[1] for row in rows]}],
        },
    )


def _percent(part, whole):
    if not whole:
        return Decimal(0)
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def year_table(scope: Scope, day: datetime.date) -> Table:
    """By year: certificates issued, products first recognised, revocations, and products
    holding a valid certificate at the end of the year (to ``day`` for its own year): 2 queries
    (one product holds one valid certificate at most on a day, so rows are products).

    The certificates are counted by their dates (issued, revoked, replaced, valid until, and
    whether the product has a re-rating pending): few distinct tuples, as certificates are
    issued by decisions, so the validity rule of :func:`~ocop.stats.models.valid_q` is applied
    here to each tuple and year instead of once per certificate and year in the database.
    The nation and a province read the month rows of the tallies instead (1 query)."""
    years = list(range(FIRST_TREND_YEAR, day.year + 1))
    if scope.level != "commune":
        province = scope.province.code if scope.province is not None else None
        counts = tallies.year_counts(day, FIRST_TREND_YEAR, province=province)
        return _year_table(
            [
                [
                    year,
                    counts[year]["issued"],
                    counts[year]["first_recognised"],
                    counts[year]["revoked"],
                    counts[year]["products"],
                ]
                for year in years
            ],
            years,
        )
    facts = scope.facts()
    tuples = list(
        facts.annotate(
            pending=Case(
                When(product_id__in=pending_re_rating_products(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values_list("issued_on", "revoked_on", "superseded_on", "valid_until", "pending")
        .annotate(n=Count("pk"))
        .order_by()
    )
    grace = datetime.timedelta(days=grace_days())
    issued, revoked, trend = {}, {}, {}
    for year in years:
        start, end = datetime.date(year, 1, 1), min(day, datetime.date(year, 12, 31))
        issued[year] = sum(n for issued_on, *_, n in tuples if start <= issued_on <= end)
        revoked[year] = sum(
            n for _, revoked_on, *_, n in tuples if revoked_on and start <= revoked_on <= end
        )
        trend[f"y{year}"] = sum(row[-1] for row in tuples if _valid_at(row, end, grace))
    first = dict(
        facts.filter(issued_on__lte=day)
        .values("first_recognised_year")
        .annotate(n=Count("product_id", distinct=True))
        .order_by()
        .values_list("first_recognised_year", "n")
    )
    rows = [
        [year, issued.get(year, 0), first.get(year, 0), revoked.get(year, 0), trend[f"y{year}"]]
        for year in years
    ]
    return _year_table(rows, years)


def _year_table(rows, years) -> Table:
    return Table(
        "by_year",
        _("Recognitions by year and trend"),
        [
            _("Year"),
            _("Certificates issued"),
            _("Products recognised for the first time"),
            _("Certificates revoked"),
            _("Products with a valid certificate at the end of the year"),
        ],
        rows,
        chart={
            "type": "line",
            "labels": [str(year) for year in years],
            "datasets": [
                {"label": _("Valid at the end of the year"), "data": [row[4] for row in rows]},
                {"label": _("Certificates issued"), "data": [row[1] for row in rows]},
            ],
        },
    )


def _listed(chosen, order, *related, extra=()):
    """The facts whose ids ``chosen`` (a sliced, ordered subquery, or a list) selects, with the
    names of
    ``related``: the database picks the few rows on the summary table alone, then joins them
    (joining first made it join every row of the period before sorting)."""
    return (
        CertificateFact.objects.filter(certificate_id__in=chosen)
        .select_related(*related)
        .only(
            "star",
            "valid_until",
            "revoked_on",
            *(name for name in related if name != "certificate"),
            *(f"{name}__name" for name in related if name != "certificate"),
            *extra,
        )
        .order_by(*order)
    )


def _valid_at(row, day: datetime.date, grace: datetime.timedelta) -> bool:
    """:func:`~ocop.stats.models.valid_q` on one (issued, revoked, replaced, valid until,
    pending re-rating, …) tuple of :func:`year_table`."""
    issued_on, revoked_on, superseded_on, valid_until, pending = row[:5]
    return (
        issued_on <= day
        and (revoked_on is None or revoked_on > day)
        and (superseded_on is None or superseded_on > day)
        and (valid_until >= day or (pending and day - grace <= valid_until < day))
    )


def expiring_table(scope: Scope, day: datetime.date, count: int) -> Table:
    horizon = day + datetime.timedelta(days=EXPIRY_HORIZON_DAYS)
    order = ("valid_until", "certificate_id")
    # Two short walks instead of one over the last 180 days' expired certificates: those kept
    # valid past their expiry by a late re-rating (found from the few pending re-ratings'
    # products), and those valid from ``day`` on (the valid_until index read from ``day``).
    since = day - datetime.timedelta(days=grace_days())
    extended = (
        scope.facts()
        .filter(
            valid_q(day),
            product_id__in=pending_re_rating_products(),
            valid_until__gte=since,
            valid_until__lt=day,
        )
        .order_by(*order)
        .values("certificate_id")[:LIST_LIMIT]
    )
    still_valid = (
        scope.facts()
        .filter(valid_q(day), valid_until__gte=day, valid_until__lte=horizon)
        .order_by(*order)
        .values("certificate_id")[:LIST_LIMIT]
    )
    # Read as two short lists of ids (an OR of both in one query made the database scan the
    # whole table instead of seeking twice).
    chosen = [*extended, *still_valid]
    facts = _listed(
        [row["certificate_id"] for row in chosen],
        order,
        "product",
        "producer",
        "province",
        "commune",
    )[:LIST_LIMIT]
    return Table(
        "expiring",
        _("Certificates expiring in the next 180 days"),
        [_("Product"), _("Producer"), _("Commune"), _("Province"), _("Star"), _("Valid until")],
        [
            [
                fact.product.name,
                fact.producer.name,
                fact.commune.name if fact.commune else OPEN_COMMUNE,
                fact.province.name,
                star_label(fact.star),
                fact.valid_until,
            ]
            for fact in facts
        ],
        note=_("%(count)s certificates; the %(limit)s expiring first are listed.")
        % {"count": count, "limit": LIST_LIMIT},
        # The product's page in the back office: the dashboard's scope is within the official's.
        links=[reverse("products:product_detail", args=[fact.product_id]) for fact in facts],
    )


def revoked_table(scope: Scope, day: datetime.date) -> Table:
    order = ("-revoked_on", "-certificate_id")
    last = (
        scope.facts()
        .filter(revoked_on__lte=day)
        .order_by(*order)
        .values("certificate_id")[:LIST_LIMIT]
    )
    facts = _listed(
        last,
        order,
        "certificate",
        "product",
        "province",
        extra=(
            "certificate__number",
            "certificate__public_code",
            "certificate__revocation_ground",
        ),
    )
    return Table(
        "revoked",
        _("Revoked certificates"),
        [_("Certificate"), _("Product"), _("Province"), _("Star"), _("Revoked on"), _("Ground")],
        [
            [
                fact.certificate.number,
                fact.product.name,
                fact.province.name,
                star_label(fact.star),
                fact.revoked_on,
                fact.certificate.get_revocation_ground_display(),
            ]
            for fact in facts
        ],
        note=_("The %(limit)s most recent revocations.") % {"limit": LIST_LIMIT},
        # The public verification page, which every role (and the citizen) may open.
        links=[
            reverse("verify:certificate_verify", args=[fact.certificate.public_code])
            for fact in facts
        ],
    )


def territory_table(scope: Scope, day: datetime.date, rows=None) -> Table | None:
    """Provinces ranked (national) or communes ranked (province); the units' names: 1 query."""
    rows = breakdown(scope, day) if rows is None else rows
    if scope.level == "national":
        provinces = provinces_by_star(day, rows)
        units = [
            [p["name"], *(p["by_star"][str(s)] for s in STARS), p["products"]] for p in provinces
        ]
        shown = {"values": {p["code"]: p["products"] for p in provinces}}
        title, column = _("Provinces ranked by products"), _("Province")
    elif scope.level == "province":
        counts = _sum_by(rows, "unit")
        codes = sorted(code for code in counts if code)
        names = dict(Commune.objects.filter(code__in=codes).values_list("code", "name"))
        names[None] = str(OPEN_COMMUNE)  # imported producers whose commune is not filled in
        totals = {code: sum(counts[code].values()) for code in counts}
        units = [
            [names.get(code, code), *(counts[code][s] for s in STARS), totals[code]]
            for code in counts
        ]
        units.sort(key=lambda row: (-row[-1], row[0]))
        markers = points("commune", ((c, names.get(c, c), totals[c]) for c in codes))
        shown = {"focus": scope.province.code, "markers": markers}
        title, column = _("Communes ranked by products"), _("Commune")
    else:
        return None
    return Table(
        "territories",
        title,
        [_("Rank"), column, *(star_label(s) for s in STARS), _("Total products")],
        [[rank, *row] for rank, row in enumerate(units, start=1)],
        chart={
            "type": "bar",
            "labels": [row[0] for row in units[:15]],
            "datasets": [{"label": _("Products"), "data": [row[-1] for row in units[:15]]}],
            "horizontal": True,
        },
        map=shown,
    )


def loss_tables(scope: Scope) -> list[Table]:
    """Where support should go: the criteria losing most points (1 query)."""
    losses = CriterionLoss.objects.all()
    if scope.province is not None:
        losses = losses.filter(province_id=scope.province.code)
    rows = list(
        losses.values("sheet_number", "criterion_code", "criterion_title")
        .annotate(results=Sum("results"), lost=Sum("points_lost"))
        .order_by()
    )
    for row in rows:
        row["average"] = (Decimal(row["lost"]) / row["results"]).quantize(Decimal("0.01"))
    by_code = defaultdict(lambda: {"lost": Decimal(0), "results": 0, "title": ""})
    for row in rows:
        item = by_code[row["criterion_code"]]
        item["lost"] += Decimal(row["lost"])
        item["results"] += row["results"]
        item["title"] = item["title"] or row["criterion_title"]
    overall = sorted(by_code.items(), key=lambda item: -item[1]["lost"])[:TOP_CRITERIA]
    top = [
        [
            code,
            item["title"],
            item["results"],
            (item["lost"] / item["results"]).quantize(Decimal("0.01")),
            item["lost"].quantize(Decimal("0.01")),
        ]
        for code, item in overall
    ]
    best_by_sheet = {}
    for row in sorted(rows, key=lambda row: -row["average"]):
        best_by_sheet.setdefault(row["sheet_number"], row)
    per_set = [
        [
            sheet,
            best_by_sheet[sheet]["criterion_code"],
            best_by_sheet[sheet]["criterion_title"],
            best_by_sheet[sheet]["results"],
            best_by_sheet[sheet]["average"],
        ]
        for sheet in sorted(best_by_sheet)
    ]
    note = _(
        "From the provincial councils' results: the criterion's maximum minus the council's "
        "mean, added up over the results."
    )
    return [
        Table(
            "criteria_losses",
            _("Criteria on which products lose most points"),
            [
                _("Criterion"),
                _("Title"),
                _("Results"),
                _("Average points lost"),
                _("Points lost in total"),
            ],
            top,
            note=note,
            chart={
                "type": "bar",
                "labels": [row[0] for row in top],
                "datasets": [{"label": _("Points lost in total"), "data": [row[4] for row in top]}],
                "horizontal": True,
            },
        ),
        Table(
            "criteria_by_set",
            _("The weakest criterion of each scoring sheet"),
            [
                _("Scoring sheet"),
                _("Criterion"),
                _("Title"),
                _("Results"),
                _("Average points lost"),
            ],
            per_set,
            note=note,
        ),
    ]


def one_step_table(top: dict) -> Table:
    return Table(
        "one_step",
        _("Products one step from the next star"),
        [_("Measure"), _("Products")],
        [
            [_("One criterion to raise for the next star"), top["one_step"]],
            [_("Expiring in the next 180 days"), top["expiring"]],
        ],
        note=_(
            "From the gap report of the council result behind each valid certificate: the "
            "products whose plan to the next star raises a single criterion."
        ),
    )


def dashboard(scope: Scope, day: datetime.date) -> dict:
    """Every table of a dashboard (cached: the version, then on a miss at most 10 queries,
    whatever the amount of data)."""
    return cached(
        "dashboard", [scope.level, scope.code, day.isoformat()], lambda: _dashboard(scope, day)
    )


def _dashboard(scope: Scope, day: datetime.date) -> dict:
    rows = breakdown(scope, day)
    top = headline(scope, day, rows)
    potential = potential_five_star(scope, day)
    kinds = producers_by_kind(scope, day)
    tables = [star_table(top, potential), *classification_tables(scope, day, rows)]
    tables.append(producer_kind_table(kinds))
    tables.append(year_table(scope, day))
    territories = territory_table(scope, day, rows)
    if territories is not None:
        tables.append(territories)
    tables.append(expiring_table(scope, day, top["expiring"]))
    tables.append(revoked_table(scope, day))
    tables.append(one_step_table(top))
    if scope.level != "commune":
        tables.extend(loss_tables(scope))
    return {
        "headline": top,
        "potential": potential,
        "producers": sum(kind["producers"] for kind in kinds.values()),
        "tables": tables,
    }


def market_table(scope: Scope, day: datetime.date) -> Table:
    """Market access in the territory (issue 6's data, read live: inquiries, channels and
    events change without touching certificates, so they are not in the cached figures).
    Three queries whatever the amount of data: inquiries, channels by kind, events."""
    if scope.commune is not None:
        where = {"producer__commune_id": scope.commune.code}
    elif scope.province is not None:
        where = {"producer__province_id": scope.province.code}
    else:
        where = {}
    inquiries = Inquiry.objects.filter(**where).aggregate(
        total=Count("pk"), answered=Count("pk", filter=Q(replied_at__isnull=False))
    )
    channel_where = {f"product__{key}": value for key, value in where.items()}
    channels = dict(
        SalesChannel.objects.filter(is_active=True, **channel_where)
        .order_by()
        .values_list("kind")
        .annotate(total=Count("pk"))
    )
    participations = Participation.objects.filter(
        status=Participation.Status.ACCEPTED, **where
    ).aggregate(
        events=Count("event", distinct=True),
        upcoming=Count("event", distinct=True, filter=Q(event__ends_on__gte=day)),
        producers=Count("producer", distinct=True),
    )
    rows = [
        [_("Buyer inquiries received"), inquiries["total"]],
        [_("Inquiries answered"), inquiries["answered"]],
        [_("Response rate (%)"), _percent(inquiries["answered"], inquiries["total"])],
        [_("Active sales channels"), sum(channels.values())],
        *[[f"· {label}", channels.get(kind, 0)] for kind, label in SalesChannel.Kind.choices],
        [_("Trade events with producers of this area"), participations["events"]],
        [_("… of which upcoming"), participations["upcoming"]],
        [_("Producers taking part in trade events"), participations["producers"]],
    ]
    return Table(
        "market",
        _("Market access"),
        [_("Measure"), pgettext("how many", "Number")],
        [[str(label), value] for label, value in rows],
        note=_(
            "From the catalogue's buyer inquiries, the products' sales channels and the trade "
            "events producers of this area take part in; live, not cached."
        ),
    )


def dashboard_tables(scope: Scope, day: datetime.date, data: dict | None = None) -> list[Table]:
    """The dashboard's tables: the cached figures (``data``, from :func:`dashboard`, when the
    caller has them already) and the live market-access table."""
    data = data if data is not None else dashboard(scope, day)
    return [*data["tables"], market_table(scope, day)]


def public_tables(day: datetime.date) -> dict:
    """The public summary: numbers only, no names of people or producers (cached)."""
    return cached("public", [day.isoformat()], lambda: _public_tables(day))


def _public_tables(day: datetime.date) -> dict:
    rows = breakdown(NATIONAL, day)
    top = headline(NATIONAL, day, rows)
    potential = potential_five_star(NATIONAL, day)
    kinds = producers_by_kind(NATIONAL, day)
    tables = [star_table(top, potential), classification_tables(NATIONAL, day, rows)[0]]
    tables.append(producer_kind_table(kinds))
    tables.append(territory_table(NATIONAL, day, rows))
    return {
        "headline": top,
        "potential": potential,
        "producers": sum(kind["producers"] for kind in kinds.values()),
        "tables": tables,
    }
