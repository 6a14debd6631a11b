"""The certificates app's models, defined with their concern; every table stays
``certificates_*``:

- ``recognition/models.py``: recognition decisions, their items, and certificates with their
  status;
- ``control/models.py``: problem reports, inspections and their findings, revocations due.

Import them from here (``ocop.certificates.models``), as Django does.
"""

from .control.models import (
    Inspection,
    InspectionFinding,
    InspectionQuerySet,
    ProblemReport,
    ProblemReportQuerySet,
    RevocationCase,
    RevocationCaseQuerySet,
    revoking_office_filter,
)
from .recognition.models import (
    AUTHORITY_STARS,
    DISTRICTS_ABOLISHED,
    PUBLIC_CODE_BYTES,
    VALID_STATUSES,
    Authority,
    Certificate,
    CertificateQuerySet,
    CertificateStatus,
    DecisionItem,
    RecognitionDecision,
    RecognitionDecisionQuerySet,
    RevocationGround,
    certificate_status,
    finding_messages,
    grace_days,
    new_public_code,
    pending_re_rating,
)

__all__ = [
    "AUTHORITY_STARS",
    "DISTRICTS_ABOLISHED",
    "PUBLIC_CODE_BYTES",
    "VALID_STATUSES",
    "Authority",
    "Certificate",
    "CertificateQuerySet",
    "CertificateStatus",
    "DecisionItem",
    "Inspection",
    "InspectionFinding",
    "InspectionQuerySet",
    "ProblemReport",
    "ProblemReportQuerySet",
    "RecognitionDecision",
    "RecognitionDecisionQuerySet",
    "RevocationCase",
    "RevocationCaseQuerySet",
    "RevocationGround",
    "certificate_status",
    "finding_messages",
    "grace_days",
    "new_public_code",
    "pending_re_rating",
    "revoking_office_filter",
]
