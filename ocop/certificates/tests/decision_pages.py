"""The cast and helpers of the decision pages' tests (test_decision_views.py,
test_decision_detail_views.py, test_historical_views.py)."""

from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from ocop.accounts.tests.factories import central_officer, province_officer
from ocop.core.models import AuditEvent
from ocop.evaluations.models import Dossier
from ocop.producers.tests.factories import producer_member

from ..models import Certificate, DecisionItem, RecognitionDecision
from ..recognition import services
from .factories import TODAY, proposal, tea_product


def url(name, *args):
    return reverse(f"certificates:{name}", args=args)


def vi(message, **params):
    """The Vietnamese text of a catalogue message (the tests' language)."""
    with translation.override("vi"):
        text = gettext(message)
    return text % params if params else text


def snapshot():
    """Everything the decision pages may change."""
    return (
        list(RecognitionDecision.objects.order_by("pk").values()),
        list(DecisionItem.objects.order_by("pk").values()),
        list(Certificate.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


class Cast(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.lai_chau = province_officer("12")
        cls.central = central_officer()
        cls.three = proposal(star=3)
        cls.four = proposal(star=4)
        cls.five = proposal(star=5)
        cls.member = producer_member(cls.three.dossier.product.producer)
        cls.lai_chau_result = proposal(tea_product("03388"), star=3)
        Dossier.objects.filter(pk=cls.lai_chau_result.dossier_id).update(province_id="12")

    def draft(self, results=None, *, actor=None, number="12/QĐ-UBND"):
        results = results or [self.three, self.four]
        dossier = results[0].dossier
        return services.create_decision_from_results(
            dossier.province,
            actor=actor or self.officer,
            results=results,
            number=number,
            decided_on=TODAY,
            signer_name="Lê Thành Đô",
        )

    def login(self, user):
        self.client.force_login(user)
