"""The recognition history of the Điện Biên demo: decisions and certificates of the 59 products,
recorded through ``ocop.certificates.recognition.services`` by the province's demo OCOP
office, so the audit log is the one the application writes.

The real timeline is kept where the sources give it: the 56 products counted in February 2023
(4×4★, 52×3★; ``recognition_year`` ≤ 2022 in the data file) all hold a valid certificate on
28 February 2023, the three 4★ products of 2023 do not yet. Certificates are valid 36 months,
so the products recognised in 2019 were re-rated in 2022 before their first certificates ran
out. Every decision and certificate is sample data (``is_sample``, numbers marked "(mẫu)"): the
real decision numbers and dates are not in our sources.

Fixed decisions (``DECISIONS``; the dates are the demo's, within the real years):

- 2019-12-20: the 26 products of 2019 (valid through 2022-12-20);
- 2020-11-25: the 8 of 2020; 2021-12-10: the 8 of 2021;
- 2022-07-15: the first product of 2022 (44 products by September 2022);
- 2022-10-14: the re-rating of the 26 products of 2019 (their 2019 certificates are replaced);
- 2022-12-16: the other 13 products of 2022;
- 2023-12-22: the three 4★ products of 2023;
- re-ratings filed in time, each before the certificates it renews ran out: 2023-11-10 the
  products of 2020 (again 2026-10-30, but for two), 2024-11-29 those of 2021, 2025-06-27 the
  first product of 2022, 2025-09-26 those of 2019 (but for four) and 2025-11-28 the other
  products of 2022 (but for two). The products left out have expired certificates by now.

Two sample events move with the day the seed runs (``timezone.localdate()``), so that on any
day there is one certificate in its re-rating window and one revoked:

- ``WINDOW_PRODUCT`` is re-rated by a decision dated so that its new certificate expires 150
  days after the seeding day (the window runs from 30 days before to 30 days after it);
- ``REVOKED_PRODUCT`` is re-rated 400 days before the seeding day, and that certificate is
  revoked 45 days before it (misuse of the OCOP mark, a sample event), on a conclusion
  dated 10 days before the revocation (within the 15 days of art. 8(4)).

Everything else older has expired by now, or been replaced. Under Decision 148/QĐ-TTg (24 February
2023 to the abolition of districts on 1 July 2025) 3★ products were recognised by the district
chairman; the dated decisions follow that.

Idempotent: a decision is the demo's when a sample decision of the province has its number
(and, for the fixed ones, its year); once there it is left alone, whatever the day, so a
second run changes nothing. The revocation is skipped once the certificate is revoked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from ocop.certificates.control.revocation import revoke_certificate
from ocop.certificates.models import Authority, Certificate, RecognitionDecision, RevocationGround
from ocop.certificates.recognition import services
from ocop.core.deadlines import add_months
from ocop.products.models import Product
from ocop.regions.models import Province

FEBRUARY_2023 = datetime.date(2023, 2, 28)
RULE_148_FROM = datetime.date(2023, 2, 24)
DISTRICTS_ABOLISHED = datetime.date(2025, 7, 1)

SIGNER = "Chủ tịch UBND (mẫu)"
SAMPLE_NOTE = "Dữ liệu mẫu của bản demo; số và ngày quyết định không phải thật."

WINDOW_PRODUCT = "Miến dong Búng Lao (mẫu)"
REVOKED_PRODUCT = "Nấm hương rừng sấy khô (mẫu)"
WINDOW_DAYS_LEFT = 150  # the new certificate expires 150 days after the seeding day
REVOKED_ISSUED_DAYS_AGO = 400
REVOKED_DAYS_AGO = 45
FINDING_DAYS_BEFORE_REVOCATION = 10
REVOCATION_NUMBER = "45/QĐ-UBND (mẫu)"


@dataclass(frozen=True)
class DecisionSpec:
    number: str  # without the sample mark
    decided_on: datetime.date
    products: tuple[str, ...]  # product names


def sample_number(number: str) -> str:
    return f"{number} (mẫu)"


def certificate_number(decision_number: str, year: int, position: int) -> str:
    """E.g. ``GCN 2019-412-05 (mẫu)``: unique as the demo's decision numbers are per year."""
    return sample_number(f"GCN {year}-{decision_number.split('/')[0]}-{position:02d}")


def plan(data, today: datetime.date) -> list[DecisionSpec]:
    """The demo's decisions, oldest first (see the module's docstring)."""
    by_year = {}
    for producer in data["producers"]:
        for product in producer["products"]:
            if product["recognition_year"] is not None:  # None: not recognised yet
                by_year.setdefault(product["recognition_year"], []).append(product["name"])
    first_of_2022, *rest_of_2022 = by_year[2022]
    window_issued = add_months(today + datetime.timedelta(days=WINDOW_DAYS_LEFT), -36)
    revoked_issued = today - datetime.timedelta(days=REVOKED_ISSUED_DAYS_AGO)
    specs = [
        DecisionSpec("412/QĐ-UBND", datetime.date(2019, 12, 20), tuple(by_year[2019])),
        DecisionSpec("2086/QĐ-UBND", datetime.date(2020, 11, 25), tuple(by_year[2020])),
        DecisionSpec("1935/QĐ-UBND", datetime.date(2021, 12, 10), tuple(by_year[2021])),
        DecisionSpec("1047/QĐ-UBND", datetime.date(2022, 7, 15), (first_of_2022,)),
        DecisionSpec("1620/QĐ-UBND", datetime.date(2022, 10, 14), tuple(by_year[2019])),
        DecisionSpec("2011/QĐ-UBND", datetime.date(2022, 12, 16), tuple(rest_of_2022)),
        # Re-ratings before the certificates above ran out; a few products were not re-rated
        # and their certificates expired.
        DecisionSpec("1890/QĐ-UBND", datetime.date(2023, 11, 10), re_rated(by_year[2020])),
        DecisionSpec("2245/QĐ-UBND", datetime.date(2023, 12, 22), tuple(by_year[2023])),
        DecisionSpec("2150/QĐ-UBND", datetime.date(2024, 11, 29), re_rated(by_year[2021])),
        DecisionSpec("1320/QĐ-UBND", datetime.date(2025, 6, 27), re_rated([first_of_2022])),
        DecisionSpec("2480/QĐ-UBND", datetime.date(2025, 9, 26), re_rated(by_year[2019], 4)),
        DecisionSpec("3010/QĐ-UBND", datetime.date(2025, 11, 28), re_rated(rest_of_2022, 2)),
        DecisionSpec("2765/QĐ-UBND", datetime.date(2026, 10, 30), re_rated(by_year[2020], 2)),
        # The two decisions dated from the seeding day (numbers the fixed ones never use).
        DecisionSpec("901/QĐ-UBND", window_issued, (WINDOW_PRODUCT,)),
        DecisionSpec("902/QĐ-UBND", revoked_issued, (REVOKED_PRODUCT,)),
    ]
    # Seeded on an earlier day (tests do), the decisions after it have not been taken yet.
    return [spec for spec in specs if spec.decided_on <= today]


def re_rated(names, left_to_expire=0) -> tuple[str, ...]:
    """The products of a group that were re-rated in time: all but the last
    ``left_to_expire`` (whose certificates ran out) and the two whose events move with the
    seeding day."""
    names = [name for name in names if name not in (WINDOW_PRODUCT, REVOKED_PRODUCT)]
    return tuple(names[: len(names) - left_to_expire])


MOVING_NUMBERS = {"901/QĐ-UBND", "902/QĐ-UBND"}


def authority_for(decided_on: datetime.date, stars) -> str:
    """The district chairman recognised 3★ products from 148/QĐ-TTg to the abolition of
    districts; the provincial chairman otherwise (and always 4★)."""
    if RULE_148_FROM <= decided_on < DISTRICTS_ABOLISHED and set(stars) == {3}:
        return Authority.DISTRICT_CHAIRMAN
    return Authority.PROVINCE_CHAIRMAN


def seed_certificates(data, users, report, today=None):
    """Record the demo's decisions and certificates and the sample revocation."""
    today = today or timezone.localdate()
    (officer,) = [
        users[row["username"]]
        for row in data["users"]
        if row["role"] == "province_office" and row["scope"] == data["province"]
    ]
    province = Province.objects.get(pk=data["province"])
    stars = {
        product["name"]: product["intended_star"]
        for producer in data["producers"]
        for product in producer["products"]
        if product["recognition_year"] is not None
    }
    products = {
        product.name: product
        for product in Product.objects.filter(
            producer__province=province, name__in=list(stars)
        ).select_related("producer")
    }
    label = RecognitionDecision._meta.label
    for spec in plan(data, today):
        number = sample_number(spec.number)
        existing = RecognitionDecision.objects.filter(
            province=province, number=number, is_sample=True
        )
        if spec.number not in MOVING_NUMBERS:
            existing = existing.filter(year=spec.decided_on.year)
        if existing.exists():
            report.unchanged[label] += 1
            continue
        year = spec.decided_on.year
        services.record_historical_decision(
            province,
            actor=officer,
            number=number,
            decided_on=spec.decided_on,
            signer_name=SIGNER,
            authority=authority_for(spec.decided_on, (stars[name] for name in spec.products)),
            is_sample=True,
            note=SAMPLE_NOTE,
            certificates=[
                services.HistoricalCertificate(
                    product=products[name],
                    star=stars[name],
                    number=certificate_number(spec.number, year, position),
                )
                for position, name in enumerate(spec.products, start=1)
            ],
        )
        report.created[label] += 1
    _revoke(officer, province, today, report)


def _revoke(officer, province, today, report):
    certificate = (
        Certificate.objects.filter(
            product__producer__province=province,
            product__name=REVOKED_PRODUCT,
            decision__number=sample_number("902/QĐ-UBND"),
        )
        .select_related("product__producer")
        .first()
    )
    label = f"{Certificate._meta.label} (revoked)"
    if certificate is None or certificate.revoked_on is not None:
        report.unchanged[label] += certificate is not None
        return
    decided_on = max(certificate.issued_on, today - datetime.timedelta(days=REVOKED_DAYS_AGO))
    revoke_certificate(
        certificate,
        actor=officer,
        ground=RevocationGround.MARK_MISUSE,
        decision_number=REVOCATION_NUMBER,
        decided_on=decided_on,
        finding_on=max(
            certificate.issued_on,
            decided_on - datetime.timedelta(days=FINDING_DAYS_BEFORE_REVOCATION),
        ),
        note=SAMPLE_NOTE,
    )
    report.updated[label] += 1
