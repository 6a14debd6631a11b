"""The start page after login leads each role to its work, across the apps (it sits with the
demo, the one app that may import them all)."""

from django.test import TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import central_officer, commune_officer, province_officer
from ocop.producers.tests.factories import producer_member


class StartPageTests(TestCase):
    def test_every_page_links_the_catalogue_and_the_events(self):
        response = self.client.get(reverse("market:home"))
        self.assertContains(response, f'href="{reverse("market:product_list")}"')
        self.assertContains(response, f'href="{reverse("market:event_list")}"')

    def test_channels_and_events_for_the_province_and_producers(self):
        channels = reverse("market:channel_product_list")
        events = reverse("market:event_manage_list")
        for user, present, absent in (
            (province_officer("11"), [channels, events], []),
            (central_officer(), [events], [channels]),
            (producer_member(), [channels, events], []),
        ):
            with self.subTest(user=user):
                self.client.force_login(user)
                response = self.client.get(reverse("accounts:home"))
                for address in present:
                    self.assertContains(response, f'href="{address}"')
                    self.assertEqual(self.client.get(address).status_code, 200)
                for address in absent:
                    self.assertNotContains(response, f'href="{address}"')

    def test_offices_producers_and_communes_each_get_their_links(self):
        office_pages = [
            reverse("certificates:decision_list"),
            reverse("certificates:certificate_list"),
            reverse("inspections:inspection_list"),
            reverse("problem_reports:problem_report_list"),
            reverse("stats:home"),
        ]
        inbox = reverse("market:inquiry_list")
        for user, present, absent in (
            (province_officer("11"), office_pages, [inbox]),
            (central_officer(), office_pages, [inbox]),
            (producer_member(), [inbox], office_pages),
            (commune_officer("03256"), [reverse("stats:home")], [*office_pages[:4], inbox]),
        ):
            with self.subTest(user=user):
                self.client.force_login(user)
                response = self.client.get(reverse("accounts:home"))
                for address in present:
                    self.assertContains(response, f'href="{address}"')
                for address in absent:
                    self.assertNotContains(response, f'href="{address}"')
