"""The admin shows the workflow's rows and changes none of them."""

import time_machine
from django.test import TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import PASSWORD, UserFactory
from ocop.regions.tests.factories import province

from ..models import CouncilResult, Dossier, ScoreSheet
from ..services.results import close_scoring
from ..services.rounds import assign_dossier_to_round
from .factories import NOW, accepted_dossier, answers_for_total, make_cast, make_panel, score


@time_machine.travel(NOW, tick=False)
class AdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cast = make_cast()
        panel = make_panel(organiser=cast.province_officer, province=province("11"))
        cls.dossier = accepted_dossier(cast)
        assign_dossier_to_round(cls.dossier, panel.round, actor=cast.province_officer)
        for user in panel.scorers:
            score(cls.dossier, user, answers_for_total(80))
        cls.result = close_scoring(cls.dossier, actor=panel.chair)
        cls.admin = UserFactory(is_staff=True, is_superuser=True)

    def setUp(self):
        self.client.login(username=self.admin.username, password=PASSWORD)

    def test_every_list_and_detail_page_opens_read_only(self):
        for model, obj in (
            (Dossier, self.dossier),
            (ScoreSheet, ScoreSheet.objects.first()),
            (CouncilResult, self.result),
        ):
            name = model._meta.model_name
            changelist = self.client.get(reverse(f"admin:evaluations_{name}_changelist"))
            self.assertEqual(changelist.status_code, 200)
            detail = self.client.get(reverse(f"admin:evaluations_{name}_change", args=[obj.pk]))
            self.assertEqual(detail.status_code, 200)
            self.assertNotContains(detail, 'name="_save"')
            add = self.client.get(reverse(f"admin:evaluations_{name}_add"))
            self.assertEqual(add.status_code, 403)

    def test_a_result_cannot_be_deleted_from_the_admin(self):
        url = reverse("admin:evaluations_councilresult_delete", args=[self.result.pk])
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 403)
        self.assertTrue(CouncilResult.objects.filter(pk=self.result.pk).exists())
