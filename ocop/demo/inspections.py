"""Sample post-recognition inspections (hậu kiểm) for the demo, written through
``ocop.certificates.inspections`` by each province's demo OCOP office, so the audit log is the
one the application writes.

For every provincial-office account in ``users`` (the demo's ``{username: User}``), up to
five inspections of the province's current sample certificates (3★ and 4★, issued at least 60
days before the seeding day, valid today; one inspection per certificate), dated from the
seeding day so that the list shows each step whatever the day.

Findings are invented, so the steps with findings go only to certificates of sample products
(never a real producer's name next to an invented finding), in this order:

1. ad hoc after a consumer's report, corrective action whose deadline passed 5 days ago
   (shown by the "corrections overdue" filter; record its follow-up as "not corrected" to
   try the revocation);
2. ad hoc, revocation recommended 5 days ago (due in 10 days; nothing is revoked: the
   demo's revoked product is ``demo.certificates``'s);
3. periodic, corrective action due in 20 days.

The other certificates get, in product-name order: a periodic inspection planned in 14 days,
then one found compliant 28 days ago (closed). On the Điện Biên demo four certificates are
current and one of them is a sample product's: three inspections (overdue corrective action,
planned, compliant).

Every row is sample data (``is_sample``; team and texts marked "(mẫu)"). Idempotent: a
province that already has a sample inspection is left alone.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from ocop.accounts.models import Membership
from ocop.certificates.control.inspections import (
    FindingInput,
    inspectable_certificates,
    inspection_criteria,
    plan_inspection,
    record_inspection,
)
from ocop.certificates.models import Inspection

TEAM = "Văn phòng Điều phối NTM tỉnh (mẫu); Sở Công Thương (mẫu); Sở Y tế (mẫu)"
MINIMUM_AGE_DAYS = 60
PERIODIC, AD_HOC = Inspection.Kind.PERIODIC, Inspection.Kind.AD_HOC


def _days(n):
    return datetime.timedelta(days=n)


def _offices(users):
    """(user, province code) of each provincial-office account among ``users``."""
    accounts = [user for user in users.values() if user is not None and user.pk]
    return list(
        Membership.objects.filter(user__in=accounts, role=Membership.Role.PROVINCE_OFFICE)
        .order_by("province_id", "user_id")
        .values_list("user_id", "province_id")
    )


def seed_inspections(users, today: datetime.date | None = None) -> None:
    """Plan and record the demo's sample inspections (see the module's docstring)."""
    today = today or timezone.localdate()
    by_pk = {user.pk: user for user in users.values() if user is not None}
    for user_id, province_id in _offices(users):
        if Inspection.objects.filter(
            is_sample=True, certificate__product__producer__province_id=province_id
        ).exists():
            continue
        officer = by_pk[user_id]
        certificates = list(
            inspectable_certificates(officer)
            .filter(
                is_sample=True,
                star__lt=5,
                product__producer__province_id=province_id,
                issued_on__lte=today - _days(MINIMUM_AGE_DAYS),
                valid_until__gte=today,
            )
            .select_related("product__producer", "council_result")
            .order_by("-product__is_sample", "product__folded_name", "pk")[:MAX_CERTIFICATES]
        )
        _seed_province(officer, certificates, today)


def _plan(officer, certificate, *, kind, planned_on, trigger=""):
    return plan_inspection(
        certificate,
        actor=officer,
        kind=kind,
        planned_on=planned_on,
        team=TEAM,
        trigger=trigger,
        is_sample=True,
    )


def _criterion_finding(certificate, description):
    criterion = inspection_criteria(certificate).first()
    if criterion is None:
        return FindingInput(area="other", description=description, severity="major")
    return FindingInput(
        area="criterion", criterion_id=criterion.pk, description=description, severity="major"
    )


def _compliant(officer, certificate, today):
    inspection = _plan(officer, certificate, kind=PERIODIC, planned_on=today - _days(30))
    record_inspection(
        inspection,
        actor=officer,
        visited_on=today - _days(28),
        outcome=Inspection.Outcome.COMPLIANT,
        summary="Sản phẩm duy trì các tiêu chí; tem OCOP dùng đúng quy định (mẫu).",
    )


def _overdue(officer, certificate, today):
    inspection = _plan(
        officer,
        certificate,
        kind=AD_HOC,
        planned_on=today - _days(36),
        trigger="Phản ánh của người tiêu dùng qua trang tra cứu tem (mẫu)",
    )
    record_inspection(
        inspection,
        actor=officer,
        visited_on=today - _days(35),
        outcome=Inspection.Outcome.CORRECTIVE_ACTION,
        corrective_deadline=today - _days(5),
        summary="Tem OCOP dán trên bao bì chưa được công nhận (mẫu).",
        findings=[
            FindingInput(
                area="stamp",
                description="Tem OCOP in trên loại bao bì 1 kg, chưa được công nhận (mẫu).",
                severity="major",
            ),
            FindingInput(
                area="other",
                description="Nhãn thiếu hạn sử dụng trên một lô hàng (mẫu).",
                severity="minor",
            ),
        ],
    )


def _corrective(officer, certificate, today):
    inspection = _plan(officer, certificate, kind=PERIODIC, planned_on=today - _days(12))
    record_inspection(
        inspection,
        actor=officer,
        visited_on=today - _days(10),
        outcome=Inspection.Outcome.CORRECTIVE_ACTION,
        corrective_deadline=today + _days(20),
        summary="Cần bổ sung hồ sơ theo dõi nguồn nguyên liệu (mẫu).",
        findings=[
            _criterion_finding(
                certificate, "Hồ sơ liên kết nguyên liệu hết hạn, chưa ký lại (mẫu)."
            )
        ],
    )


def _revocation(officer, certificate, today):
    inspection = _plan(
        officer,
        certificate,
        kind=AD_HOC,
        planned_on=today - _days(6),
        trigger="Đề nghị của Đội quản lý thị trường (mẫu)",
    )
    record_inspection(
        inspection,
        actor=officer,
        visited_on=today - _days(5),
        outcome=Inspection.Outcome.REVOCATION_RECOMMENDED,
        summary="Cơ sở đã ngừng sản xuất sản phẩm từ đầu năm (mẫu).",
        findings=[
            FindingInput(
                area="other",
                description="Cơ sở ngừng sản xuất; UBND xã xác nhận (mẫu).",
                severity="serious",
            )
        ],
    )


def _planned(officer, certificate, today):
    _plan(officer, certificate, kind=PERIODIC, planned_on=today + _days(14))


#: Steps with findings against the product: only for sample products (never a real
#: producer's name next to an invented finding), most telling first.
FINDING_STEPS = (_overdue, _revocation, _corrective)
#: Steps without findings, for the other certificates.
NEUTRAL_STEPS = (_planned, _compliant)
MAX_CERTIFICATES = len(FINDING_STEPS) + len(NEUTRAL_STEPS)


def _seed_province(officer, certificates, today):
    invented = [c for c in certificates if c.product.is_sample]
    findings = list(zip(FINDING_STEPS, invented, strict=False))
    used = {certificate.pk for _, certificate in findings}
    others = [c for c in certificates if c.pk not in used]
    for step, certificate in findings + list(zip(NEUTRAL_STEPS, others, strict=False)):
        step(officer, certificate, today)


__all__ = ["seed_inspections"]
