"""Props of the certificate tests: proposals (a dossier and the council result it rests on,
written directly, as the evaluation services would leave them) and certificates."""

import datetime
import zoneinfo
from decimal import Decimal

from ocop.accounts.tests.factories import UserFactory
from ocop.evaluations.models import Council, CouncilResult, Dossier, Round
from ocop.evaluations.tests.factories import dossier_row
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import commune, province

from ..models import Authority
from ..recognition import services

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=VN)
TODAY = NOW.date()


def tea_product(commune_code="03256"):
    return ProductFactory(
        producer=ProducerFactory(commune=commune(commune_code)), scoring_set_id=11
    )


def _council(level):
    """A closed round with its council (one per level and province is enough)."""
    round_ = Round.objects.create(
        level=level,
        province=province("11") if level == Round.Level.PROVINCE else None,
        year=2026,
        kind=Round.Kind.EXTRA,
        name=f"Đợt mẫu {Round.objects.count() + 1}",
        decide_before=datetime.date(2026, 6, 30),
        status=Round.Status.CLOSED,
        closed_at=NOW,
    )
    return Council.objects.create(round=round_, name="Hội đồng mẫu")


def proposal(product=None, *, star=3, kind=Dossier.Kind.FIRST_RATING):
    """A council result on which a dossier's proposal rests: 3★ or 4★ at the province
    (``proposed``), 5★ centrally (``proposed_central``)."""
    product = product or tea_product()
    central = star == 5
    status = Dossier.Status.PROPOSED_CENTRAL if central else Dossier.Status.PROPOSED
    dossier = dossier_row(product, status=status, proposed_star=star, kind=kind)
    level = Round.Level.CENTRAL if central else Round.Level.PROVINCE
    result = CouncilResult.objects.create(
        dossier=dossier,
        council=_council(level),
        level=level,
        rubric_version=dossier.rubric_version,
        sheet_number=dossier.sheet_number,
        mean_total=Decimal({3: "60", 4: "80", 5: "95"}[star]),
        star=star,
        band_star=star,
        spread=Decimal(2),
        spread_limit=Decimal(10),
        quorum_percent=75,
        scoring_members=5,
        members_counted=5,
        rule_note="Minimums checked on the mean of each criterion.",
        outcome=CouncilResult.Outcome.FIVE_STAR if central else CouncilResult.Outcome.PROPOSED,
        closed_by=UserFactory(),
        closed_at=NOW,
    )
    Dossier.objects.filter(pk=dossier.pk).update(decisive_result=result)
    return result


_NUMBERS = iter(range(100, 10**6))


def signed_decision(actor, results, *, decided_on=TODAY, province_code="11"):
    decision = services.create_decision_from_results(
        province(province_code),
        actor=actor,
        results=results,
        number=f"{next(_NUMBERS)}/QĐ-UBND",
        decided_on=decided_on,
        signer_name="Nguyễn Văn A",
    )
    return services.sign_decision(decision, actor=actor)


def historical_certificate(actor, product, *, issued_on, star=3, number=None, **kwargs):
    """A certificate recorded from a decision taken before the platform."""
    number = number or f"GCN-{next(_NUMBERS)}"
    decision = services.record_historical_decision(
        province("11"),
        actor=actor,
        authority=Authority.MINISTER if star == 5 else Authority.PROVINCE_CHAIRMAN,
        number=f"{next(_NUMBERS)}/QĐ-UBND",
        decided_on=issued_on,
        signer_name="Lê Thành Đô",
        certificates=[
            services.HistoricalCertificate(product=product, star=star, number=number, **kwargs)
        ],
    )
    return decision.certificates.get()


# --------------------------------------------------------------------------------------
# Post-recognition inspections
# --------------------------------------------------------------------------------------


def planned_inspection(actor, certificate, *, kind="periodic", planned_on=None, **kwargs):
    """An inspection planned through the service (``planned_on`` defaults to the issue day)."""
    from ..control.inspections import plan_inspection

    values = {"team": "Lò Văn Thắng (Văn phòng OCOP tỉnh), Cà Thị Hoa (Sở Công Thương)"}
    values.update(kwargs)
    return plan_inspection(
        certificate,
        actor=actor,
        kind=kind,
        planned_on=planned_on or certificate.issued_on,
        **values,
    )


def recorded_inspection(
    actor, certificate, *, outcome="corrective_action", visited_on=None, findings=None, **kwargs
):
    """An inspection planned and recorded through the services; a corrective outcome gets a
    deadline 30 days after the visit and one finding about the stamp."""
    from ..control.inspections import FindingInput, record_inspection

    visited_on = visited_on or certificate.issued_on
    inspection = planned_inspection(actor, certificate, planned_on=visited_on)
    if findings is None:
        findings = (
            []
            if outcome == "compliant"
            else [FindingInput(area="stamp", description="Tem in sai mẫu", severity="major")]
        )
    if outcome == "corrective_action":
        kwargs.setdefault("corrective_deadline", visited_on + datetime.timedelta(days=30))
    return record_inspection(
        inspection,
        actor=actor,
        visited_on=visited_on,
        outcome=outcome,
        findings=findings,
        summary=kwargs.pop("summary", "Kiểm tra tại cơ sở sản xuất."),
        **kwargs,
    )
