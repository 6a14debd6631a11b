"""Keeping the summary tables (``models.py``) equal to what the raw data says.

``expected_facts`` / ``expected_losses`` compute the rows from the raw data; the refresh
functions replace the rows of the products or (province, sheet) pairs that changed; the
receivers in ``StatsConfig.ready()`` call them once the changing transaction commits, and
``reconcile`` compares every row with the raw data (``manage.py reconcile_stats``)."""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from ocop.certificates.models import Certificate
from ocop.evaluations.models import CouncilResult, Dossier, Round
from ocop.rubric.engine import load_sheet

from . import tallies
from .cache import bump
from .figures import POTENTIAL_FIVE_STATUSES
from .models import CertificateFact, CriterionLoss, Tally, pending_re_rating_products

logger = logging.getLogger(__name__)

FACT_FIELDS = (
    "product_id",
    "producer_id",
    "producer_kind",
    "province_id",
    "commune_id",
    "sector_id",
    "group_id",
    "scoring_set_id",
    "star",
    "issued_on",
    "valid_until",
    "revoked_on",
    "superseded_on",
    "first_recognised_year",
    "upgrades_to_next_star",
    "is_extended",
)


def _upgrades(gap_report) -> int | None:
    """How many criteria the council's gap report raises to reach the next star."""
    if not gap_report or not gap_report.get("reachable") or not gap_report.get("target_star"):
        return None
    return len(gap_report.get("upgrades") or [])


def expected_facts(product_ids=None) -> dict[int, dict]:
    """certificate id → the fact row's values, from the raw data (all products when None)."""
    certificates = Certificate.objects.order_by()
    if product_ids is not None:
        certificates = certificates.filter(product_id__in=list(product_ids))
    rows = certificates.values_list(
        "pk",
        "product_id",
        "product__producer_id",
        "product__producer__kind",
        "product__producer__province_id",
        "product__producer__commune_id",
        "product__scoring_set__group__sector_id",
        "product__scoring_set__group_id",
        "product__scoring_set_id",
        "star",
        "issued_on",
        "valid_until",
        "revoked_on",
        "superseded_on",
        "council_result__gap_report",
    )
    pending = pending_re_rating_products()
    if product_ids is not None:
        pending = pending.filter(product_id__in=list(product_ids))
    extended = set(pending.values_list("product_id", flat=True))
    facts = {}
    first_year = {}
    for row in rows.iterator(chunk_size=5000):
        (pk, product, producer, kind, province, commune, sector, group, scoring_set) = row[:9]
        star, issued_on, valid_until, revoked_on, superseded_on, gap = row[9:]
        first_year[product] = min(first_year.get(product, issued_on.year), issued_on.year)
        facts[pk] = {
            "product_id": product,
            "producer_id": producer,
            "producer_kind": kind,
            "province_id": province,
            "commune_id": commune,
            "sector_id": sector,
            "group_id": group,
            "scoring_set_id": scoring_set,
            "star": star,
            "issued_on": issued_on,
            "valid_until": valid_until,
            "revoked_on": revoked_on,
            "superseded_on": superseded_on,
            "upgrades_to_next_star": _upgrades(gap),
            "is_extended": product in extended,
        }
    for values in facts.values():
        values["first_recognised_year"] = first_year[values["product_id"]]
    return facts


def stored_facts(product_ids=None, *, producer_ids=None) -> dict[int, dict]:
    facts = CertificateFact.objects.order_by()
    if product_ids is not None:
        facts = facts.filter(product_id__in=list(product_ids))
    if producer_ids is not None:
        facts = facts.filter(producer_id__in=list(producer_ids))
    return {
        row["certificate_id"]: {name: row[name] for name in FACT_FIELDS}
        for row in facts.values("certificate_id", *FACT_FIELDS).iterator(chunk_size=5000)
    }


def _write_facts(expected: dict[int, dict]) -> None:
    CertificateFact.objects.bulk_create(
        [CertificateFact(certificate_id=pk, **values) for pk, values in expected.items()],
        batch_size=2000,
    )


@transaction.atomic
def refresh_products(product_ids) -> None:
    """Replace the fact rows of ``product_ids`` by what their certificates say now, and add the
    difference to the tallies (the products' certificates, and the spells of their producers,
    old and new, read with the producers' other facts)."""
    ids = sorted(set(product_ids))
    if not ids:
        return
    old = stored_facts(ids)
    new = expected_facts(ids)
    CertificateFact.objects.filter(product_id__in=ids).delete()
    _write_facts(new)
    producers = {fact["producer_id"] for fact in (*old.values(), *new.values())}
    others = [
        fact
        for fact in stored_facts(producer_ids=producers).values()
        if fact["product_id"] not in set(ids)
    ]
    before = tallies.tally_rows(old.values(), [*others, *old.values()])
    after = tallies.tally_rows(new.values(), [*others, *new.values()])
    changes = tallies.difference(after, before)
    if len(changes) > tallies.REWRITE_ABOVE:
        _rewrite_tallies()  # an import: rewriting is cheaper than updating row by row
    else:
        tallies.apply(changes)
    bump()


def _rewrite_tallies() -> None:
    facts = stored_facts().values()
    Tally.objects.all().delete()
    tallies.write(tallies.tally_rows(facts, facts))


def refresh_producer(producer_id) -> None:
    ids = CertificateFact.objects.filter(producer_id=producer_id).values_list(
        "product_id", flat=True
    )
    refresh_products(list(ids))


# --------------------------------------------------------------------------------------
# Points lost on criteria
# --------------------------------------------------------------------------------------


def _criteria_of(version: str, sheet_number: int):
    try:
        return load_sheet(sheet_number, version).criteria
    except Exception:  # a version whose files are not on this server: nothing to explain it
        logger.warning("stats: no rubric sheet %s of version %s", sheet_number, version)
        return None


def expected_losses(province_id=None, sheet_number=None) -> dict[tuple, dict]:
    """(province, version, sheet, criterion) → {title, results, points_lost} from the
    provincial councils' results (knocked-out results lose nothing: they were not scored)."""
    results = CouncilResult.objects.filter(
        level=Round.Level.PROVINCE, is_knocked_out=False
    ).order_by()
    if province_id is not None:
        results = results.filter(dossier__province_id=province_id, sheet_number=sheet_number)
    totals = defaultdict(lambda: {"results": 0, "points_lost": Decimal(0)})
    titles = {}
    rows = results.values_list("dossier__province_id", "sheet_number", "explanation")
    for province, sheet, explanation in rows.iterator(chunk_size=2000):
        version = (explanation or {}).get("version")
        scored = (explanation or {}).get("criteria") or {}
        criteria = _criteria_of(version, sheet) if version and scored else None
        if not criteria:
            continue
        skipped = set(explanation.get("not_applicable") or [])
        for code, criterion in criteria.items():
            if code in skipped:
                continue
            points = Decimal(str(scored.get(code, 0)))
            key = (province, version, sheet, code)
            titles[key] = criterion.title_vi[:500]
            totals[key]["results"] += 1
            totals[key]["points_lost"] += max(Decimal(criterion.max_points) - points, Decimal(0))
    return {
        key: {
            "criterion_title": titles[key],
            "results": value["results"],
            "points_lost": value["points_lost"].quantize(Decimal("0.01")),
        }
        for key, value in totals.items()
    }


def stored_losses(province_id=None, sheet_number=None) -> dict[tuple, dict]:
    rows = CriterionLoss.objects.order_by()
    if province_id is not None:
        rows = rows.filter(province_id=province_id, sheet_number=sheet_number)
    return {
        (row.province_id, row.version, row.sheet_number, row.criterion_code): {
            "criterion_title": row.criterion_title,
            "results": row.results,
            "points_lost": row.points_lost.quantize(Decimal("0.01")),
        }
        for row in rows
    }


def _write_losses(expected) -> None:
    CriterionLoss.objects.bulk_create(
        [
            CriterionLoss(
                province_id=province,
                version=version,
                sheet_number=sheet,
                criterion_code=code,
                **values,
            )
            for (province, version, sheet, code), values in expected.items()
        ],
        batch_size=2000,
    )


@transaction.atomic
def refresh_losses(province_id, sheet_number) -> None:
    CriterionLoss.objects.filter(province_id=province_id, sheet_number=sheet_number).delete()
    _write_losses(expected_losses(province_id, sheet_number))
    bump()


# --------------------------------------------------------------------------------------
# Reconciliation
# --------------------------------------------------------------------------------------


@dataclass
class Difference:
    table: str
    key: object
    kind: str  # "missing", "extra" or "changed"
    fields: list[str] = field(default_factory=list)

    def __str__(self):
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.table} {self.key}: {self.kind}{detail}"


def _compare(table, expected, stored) -> list[Difference]:
    differences = []
    for key in sorted(expected.keys() | stored.keys(), key=str):
        if key not in stored:
            differences.append(Difference(table, key, "missing"))
        elif key not in expected:
            differences.append(Difference(table, key, "extra"))
        else:
            changed = [name for name, value in expected[key].items() if stored[key][name] != value]
            if changed:
                differences.append(Difference(table, key, "changed", changed))
    return differences


def reconcile(*, repair: bool = True) -> list[Difference]:
    """Compare every summary row with the raw data; with ``repair`` rewrite the tables and
    give the statistics a new version (so no figure cached before is read again)."""
    facts = expected_facts()
    losses = expected_losses()
    counts = tallies.tally_rows(facts.values(), facts.values())
    differences = _compare("certificate_fact", facts, stored_facts())
    differences += _compare("criterion_loss", losses, stored_losses())
    differences += _compare("tally", counts, tallies.stored_rows())
    if repair:
        with transaction.atomic():
            if differences:
                CertificateFact.objects.all().delete()
                _write_facts(facts)
                CriterionLoss.objects.all().delete()
                _write_losses(losses)
                Tally.objects.all().delete()
                tallies.write(counts)
            bump()
    return differences


def rebuild_all() -> None:
    reconcile(repair=True)


# --------------------------------------------------------------------------------------
# Receivers (connected in StatsConfig.ready)
# --------------------------------------------------------------------------------------


def _safely(refresh, *args):
    """Run a refresh after commit; a failure is logged, never shown to the user whose action
    committed (``reconcile_stats`` repairs the rows)."""

    def run():
        try:
            refresh(*args)
        except Exception:
            logger.exception("stats: %s%r failed; run manage.py reconcile_stats", refresh, args)

    return run


def on_certificates_changed(sender, product_ids, **kwargs):
    _safely(refresh_products, product_ids)()


def on_product_saved(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return  # a new product has no certificate yet
    transaction.on_commit(_safely(refresh_products, [instance.pk]))


def on_producer_saved(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return
    transaction.on_commit(_safely(refresh_producer, instance.pk))


def on_council_result_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not created or instance.level != Round.Level.PROVINCE:
        return
    transaction.on_commit(_safely(refresh_result_losses, instance.pk))


#: The dossier fields the figures read (potential 5★, re-ratings pending in the grace period).
DOSSIER_FIELDS = {
    "status",
    "submitted_at",
    "kind",
    "product",
    "province",
    "commune",
    "is_late_re_rating",
}
#: The statuses of the potential 5★ and those a dossier leaves them for (ALLOWED_TRANSITIONS).
STATUSES_ABOUT_FIVE = frozenset(
    {
        *POTENTIAL_FIVE_STATUSES,
        Dossier.Status.PROPOSED,
        Dossier.Status.CENTRAL_NOT_FIVE,
        Dossier.Status.RATED_LOW,
        Dossier.Status.REJECTED,
    }
)


def _dossier_counts(dossier) -> bool:
    """Whether the figures may read ``dossier``: a re-rating (its product may be in its grace
    period) or a dossier entering or leaving the potential 5★. The other dossiers' moves (most
    of them) keep the cached figures."""
    return dossier.kind == Dossier.Kind.RE_RATING or dossier.status in STATUSES_ABOUT_FIVE


def on_dossier_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields is not None and not DOSSIER_FIELDS & set(update_fields)):
        return
    if instance.kind == Dossier.Kind.RE_RATING:
        # A late re-rating pending keeps the certificate valid in its grace period: the
        # product's facts and tallies say whether (``is_extended``); the refresh bumps.
        transaction.on_commit(_safely(refresh_products, [instance.product_id]))
    elif _dossier_counts(instance):
        transaction.on_commit(_safely(bump))


def on_dossier_deleted(sender, instance, **kwargs):
    if instance.kind == Dossier.Kind.RE_RATING:
        transaction.on_commit(_safely(refresh_products, [instance.product_id]))
    elif _dossier_counts(instance):
        transaction.on_commit(_safely(bump))


def on_names_changed(sender, raw=False, **kwargs):
    """A unit or a class of the classification renamed, a product or producer deleted."""
    if not raw:
        transaction.on_commit(_safely(bump))


def refresh_result_losses(result_id) -> None:
    """Refresh the losses of the province and sheet of one council result."""
    row = (
        CouncilResult.objects.filter(pk=result_id)
        .values_list("dossier__province_id", "sheet_number")
        .first()
    )
    if row is not None:
        refresh_losses(*row)
