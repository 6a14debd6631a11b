"""Props of the statistics tests: certified products written through the certificate services
(so the summary tables are kept by the receivers), and council results with an explanation."""

import datetime
import itertools
from decimal import Decimal

from django.test import TestCase
from django.utils import timezone

from ocop.accounts.tests.factories import UserFactory
from ocop.certificates.models import Authority
from ocop.certificates.recognition import services
from ocop.evaluations.models import Council, CouncilResult, Dossier, Round
from ocop.evaluations.tests.factories import dossier_row
from ocop.producers.choices import ProducerKind
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import commune
from ocop.rubric.engine import load_sheet

ISSUED_ON = datetime.date(2025, 3, 1)
NUMBERS = itertools.count(5000)
KINDS = itertools.cycle([ProducerKind.COOPERATIVE, ProducerKind.ENTERPRISE, ProducerKind.HOUSEHOLD])


def certified_products(actor, count, *, commune_code="03256", star=None, issued_on=ISSUED_ON):
    """``count`` products of ``commune_code``, each with a certificate (stars 3, 4, 3, 4, …)."""
    certificates = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        for index in range(count):
            product = ProductFactory(
                producer=ProducerFactory(commune=commune(commune_code), kind=next(KINDS)),
                scoring_set_id=11 + index % 3,
            )
            number = next(NUMBERS)
            product_star = star or 3 + index % 2
            authority = Authority.MINISTER if product_star == 5 else Authority.PROVINCE_CHAIRMAN
            decision = services.record_historical_decision(
                product.producer.province,
                actor=actor,
                number=f"{number}/QĐ-UBND",
                decided_on=issued_on,
                signer_name="Lê Thành Đô",
                authority=authority,
                certificates=[
                    services.HistoricalCertificate(
                        product=product, star=product_star, number=f"GCN-S-{number}"
                    )
                ],
            )
            certificates.append(decision.certificates.get())
    return certificates


def scored_result(*, star=3, lost=None):
    """A provincial council result for a new tea product (sheet 11) whose explanation loses
    ``lost`` ({criterion: points lost}) and nothing else; the receiver files the losses."""
    lost = lost or {"1.5": 2, "3.1": 1}
    product = ProductFactory(producer=ProducerFactory(commune=commune("03256")), scoring_set_id=11)
    dossier = dossier_row(product, status=Dossier.Status.PROPOSED, proposed_star=star)
    round_ = Round.objects.create(
        level=Round.Level.PROVINCE,
        province_id="11",
        year=2026,
        kind=Round.Kind.EXTRA,
        name=f"Đợt thống kê {next(NUMBERS)}",
        decide_before=datetime.date(2026, 6, 30),
        status=Round.Status.CLOSED,
        closed_at=timezone.now(),
    )
    council = Council.objects.create(round=round_, name="Hội đồng mẫu")
    criteria = {
        code: float(criterion.max_points - lost.get(code, 0))
        for code, criterion in load_sheet(11).criteria.items()
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        return CouncilResult.objects.create(
            dossier=dossier,
            council=council,
            level=Round.Level.PROVINCE,
            rubric_version=dossier.rubric_version,
            sheet_number=11,
            mean_total=Decimal(100) - sum(Decimal(v) for v in lost.values()),
            star=star,
            band_star=star,
            spread=Decimal(1),
            spread_limit=Decimal(10),
            quorum_percent=75,
            scoring_members=4,
            members_counted=4,
            explanation={"version": "26-2026", "sheet": 11, "criteria": criteria},
            rule_note="Mẫu.",
            outcome=CouncilResult.Outcome.PROPOSED,
            closed_by=UserFactory(),
            closed_at=timezone.now(),
        )
