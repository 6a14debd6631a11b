"""The open-data files (``/open-data/<name>.csv`` and ``.json``): stable addresses, stable
English column names, no personal data (no people's or producers' names, no contacts)."""

import datetime
import json

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.core.models import AuditCheckpoint
from ocop.producers.choices import ProducerKind
from ocop.products.models import ScoringSet

from . import figures
from .exports import csv_bytes
from .models import CertificateFact, valid_q


def _summary(day):
    data = figures.summary(day)
    rows = [
        ["as_of", data["as_of"]],
        ["products", data["products"]],
        *([f"star_{star}", n] for star, n in data["by_star"].items()),
        ["potential_5_star", data["potential_5_star"]],
        ["producers", data["producers"]],
        *([f"producers_{kind}", n] for kind, n in data["producers_by_type"].items()),
    ]
    return ["measure", "value"], rows


def _provinces(day):
    rows = [
        [p["code"], p["name"], p["products"], *(p["by_star"][str(s)] for s in figures.STARS)]
        for p in figures.provinces_by_star(day)
    ]
    return ["province_code", "province_name", "products", "star_3", "star_4", "star_5"], rows


def _stars(day):
    top = figures.headline(figures.NATIONAL, day)
    rows = [[str(star), top["by_star"][star]] for star in figures.STARS]
    rows.append(["potential_5", figures.potential_five_star(figures.NATIONAL, day)])
    return ["star", "products"], rows


def _scoring_sets(day):
    counts = figures._sum_by(figures.breakdown(figures.NATIONAL, day), "scoring_set_id")
    rows = [
        [
            s.number,
            s.name_vi,
            s.group.code,
            s.group.sector.numeral,
            *(counts[s.number][star] for star in figures.STARS),
            sum(counts[s.number].values()),
        ]
        for s in ScoringSet.objects.select_related("group__sector").order_by("number")
    ]
    columns = ["set_number", "set_name", "group_code", "sector", "star_3", "star_4", "star_5"]
    return [*columns, "products"], rows


def _producer_types(day):
    kinds = figures.producers_by_kind(figures.NATIONAL, day)
    rows = [[kind, kinds.get(kind, {}).get("producers", 0), kinds.get(kind, {}).get("products", 0)]
            for kind in ProducerKind.values]  # fmt: skip
    return ["producer_type", "producers", "products"], rows


def _products(day):
    facts = (
        CertificateFact.objects.filter(valid_q(day))
        .select_related("certificate", "product", "province", "commune")
        .order_by("province_id", "product__folded_name", "certificate_id")
    )
    rows = [
        [
            fact.certificate.number,
            fact.product.code,
            fact.product.name,
            fact.scoring_set_id,
            fact.star,
            fact.province_id,
            fact.province.name,
            fact.commune.name if fact.commune else "",
            fact.issued_on.isoformat(),
            fact.valid_until.isoformat(),
            reverse("verify:certificate_verify", args=[fact.certificate.public_code]),
            fact.certificate.is_sample,
        ]
        for fact in facts.iterator(chunk_size=2000)
    ]
    columns = [
        "certificate_number",
        "product_code",
        "product_name",
        "scoring_set",
        "star",
        "province_code",
        "province_name",
        "commune_name",
        "issued_on",
        "valid_until",
        "verify_path",
        "is_sample",
    ]
    return columns, rows


def _audit_checkpoints(day):
    """The audit chain's signed checkpoints taken up to ``day``, newest first: copies that
    whoever cuts the database cannot reach (``verify_audit_chain --anchor``)."""
    taken = AuditCheckpoint.objects.filter(taken_at__date__lte=day).order_by("-id")[:400]
    columns = [*AuditCheckpoint(taken_at=timezone.now()).published()]
    return columns, [list(checkpoint.published().values()) for checkpoint in taken]


DATASETS = {
    "summary": (
        _("Summary"),
        _("The headline figures: products at 3★ and above by star, producers by type."),
        _summary,
    ),
    "stars": (_("Products by star"), _("Products holding a valid certificate, by star."), _stars),
    "provinces": (
        _("Products by province"),
        _("For each of the 34 provinces, the products with a valid certificate, by star."),
        _provinces,
    ),
    "scoring-sets": (
        _("Products by scoring set"),
        _("For each of the 26 scoring sets, the products with a valid certificate, by star."),
        _scoring_sets,
    ),
    "producer-types": (
        _("Producers by type"),
        _("Producers with at least one product holding a valid certificate, by type."),
        _producer_types,
    ),
    "products": (
        _("Certified products"),
        _(
            "Every product holding a valid certificate: certificate number, product, scoring "
            "set, star, province and commune, validity and verification address."
        ),
        _products,
    ),
    "audit-checkpoints": (
        _("Audit log checkpoints"),
        _(
            "The signed checkpoints of the platform's audit log, daily and at every decision, "
            "newest first (the last 400): keep a copy, it proves later that no record was "
            "removed or rewritten."
        ),
        _audit_checkpoints,
    ),
}


def response(name: str, fmt: str, day: datetime.date) -> HttpResponse:
    columns, rows = DATASETS[name][2](day)
    filename = f"ocop-{name}-{day.isoformat()}.{fmt}"
    if fmt == "csv":
        result = HttpResponse(csv_bytes(columns, rows), content_type="text/csv; charset=utf-8")
    else:
        body = {"as_of": day.isoformat(), "columns": columns}
        body["rows"] = [dict(zip(columns, row, strict=True)) for row in rows]
        result = HttpResponse(
            json.dumps(body, ensure_ascii=False, default=str),
            content_type="application/json; charset=utf-8",
        )
    result["Content-Disposition"] = f'inline; filename="{filename}"'
    return result
