"""Trade events: kept by the organising OCOP office (a province's events by its office, national
ones by the central office), joined by producers on request or added directly, public on the
calendar (upcoming first, past on a second tab, filters, iCalendar files) and on the home,
product and producer pages."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.tests.factories import central_officer, province_officer
from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.regions.models import Commune

from .. import ical, services
from ..models import Participation, SalesChannel, TradeEvent
from .helpers import certify, make_product

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def event(name="Hội chợ OCOP Điện Biên", start=10, length=3, province="11", **fields):
    return TradeEvent.objects.create(
        name=name,
        kind=fields.pop("kind", "fair"),
        starts_on=days(start),
        ends_on=days(start + length - 1),
        province_id=province,
        address=fields.pop("address", "Quảng trường 7/5"),
        organiser=fields.pop("organiser", "Văn phòng OCOP tỉnh Điện Biên"),
        **fields,
    )


def event_data(**changes):
    values = {
        "name": "Tuần lễ OCOP Điện Biên",
        "kind": "promotion_week",
        "starts_on": days(30).isoformat(),
        "ends_on": days(33).isoformat(),
        "province": "11",
        "address": "Phường Mường Thanh",
        "organiser": "Văn phòng OCOP tỉnh Điện Biên",
        "description": "Giới thiệu sản phẩm.",
        "url": "https://ocop.example/tuan-le",
    }
    values.update(changes)
    return values


class EventTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tea = make_product("Trà xanh Shan tuyết cổ thụ Tủa Chùa", "Hương Linh", commune="03127")
        cls.honey = make_product("Mật ong bánh tổ", "HTX Ong mật Điện Biên", scoring_set=4)
        cls.lai_chau = make_product("Chè Tam Đường", "HTX Tam Đường", commune="03388")
        certify([cls.tea, cls.honey], star=4)
        certify([cls.lai_chau], star=3, province_code="12")
        cls.unlisted = ProducerFactory(
            name="HTX Chưa có sản phẩm OCOP", commune=Commune.objects.get(code="03256")
        )
        cls.member = producer_member(cls.tea.producer)
        cls.lai_chau_member = producer_member(cls.lai_chau.producer)
        cls.officer = province_officer("11")
        cls.lai_chau_officer = province_officer("12")
        cls.central = central_officer()
        cls.fair = event()
        cls.national = event("Hội chợ OCOP toàn quốc", start=60, province="01", is_national=True)
        cls.past = event("Lễ hội Hoa Ban", start=-200, length=4)

    def snapshot(self):
        return (
            list(TradeEvent.objects.order_by("pk").values()),
            list(Participation.objects.order_by("pk").values()),
        )


class EventServiceTests(EventTestCase):
    def test_province_office_creates_its_provinces_event_and_it_is_audited(self):
        created = services.create_trade_event(
            actor=self.officer,
            data={**event_data(), "starts_on": days(30), "ends_on": days(33)},
        )
        self.assertFalse(created.is_national)
        self.assertTrue(AuditEvent.objects.filter(action="trade_event.created").exists())

    def test_central_office_creates_national_events(self):
        created = services.create_trade_event(
            actor=self.central,
            data={**event_data(province="01"), "starts_on": days(30), "ends_on": days(33)},
        )
        self.assertTrue(created.is_national)

    def test_province_office_cannot_organise_elsewhere_or_touch_others_events(self):
        before = self.snapshot()
        with self.assertRaises(PermissionDenied):
            services.create_trade_event(
                actor=self.lai_chau_officer,
                data={**event_data(), "starts_on": days(30), "ends_on": days(33)},
            )
        for target in (self.fair, self.national):
            with self.assertRaises(PermissionDenied):
                services.update_trade_event(target, actor=self.lai_chau_officer, data={"name": "X"})
        with self.assertRaises(PermissionDenied):
            services.update_trade_event(self.national, actor=self.officer, data={"name": "X"})
        with self.assertRaises(PermissionDenied):
            services.update_trade_event(self.fair, actor=self.member, data={"name": "X"})
        self.assertEqual(self.snapshot(), before)

    def test_an_event_cannot_end_before_it_starts(self):
        before = self.snapshot()
        with self.assertRaises(ValidationError) as caught:
            services.update_trade_event(
                self.fair, actor=self.officer, data={"ends_on": days(5), "starts_on": days(9)}
            )
        self.assertIn("ends_on", caught.exception.message_dict)
        self.assertEqual(self.snapshot(), before)

    def test_request_then_accept_is_audited_at_each_step(self):
        participation = services.request_participation(
            self.fair, self.tea.producer, actor=self.member, products=[self.tea]
        )
        self.assertEqual(participation.status, Participation.Status.REQUESTED)
        services.decide_participation(participation, actor=self.officer, accept=True)
        participation.refresh_from_db()
        self.assertEqual(participation.status, Participation.Status.ACCEPTED)
        self.assertEqual(
            list(
                AuditEvent.objects.filter(action__startswith="participation.")
                .order_by("pk")
                .values_list("action", flat=True)
            ),
            ["participation.requested", "participation.accepted"],
        )

    def test_producers_join_only_their_provinces_events_and_national_ones(self):
        services.request_participation(
            self.national, self.lai_chau.producer, actor=self.lai_chau_member
        )
        before = self.snapshot()
        with self.assertRaises(ValidationError):
            services.request_participation(
                self.fair, self.lai_chau.producer, actor=self.lai_chau_member
            )
        with self.assertRaises(ValidationError):  # over
            services.request_participation(self.past, self.tea.producer, actor=self.member)
        with self.assertRaises(PermissionDenied):  # not a member of that producer
            services.request_participation(self.fair, self.honey.producer, actor=self.member)
        with self.assertRaises(ValidationError):  # another producer's product
            services.request_participation(
                self.fair, self.tea.producer, actor=self.member, products=[self.honey]
            )
        self.assertEqual(self.snapshot(), before)

    def test_only_the_organiser_decides(self):
        participation = services.request_participation(
            self.fair, self.tea.producer, actor=self.member
        )
        before = self.snapshot()
        for actor in (self.member, self.lai_chau_officer, self.central):
            with self.subTest(actor=actor), self.assertRaises(PermissionDenied):
                services.decide_participation(participation, actor=actor, accept=True)
        self.assertEqual(self.snapshot(), before)

    def test_organiser_adds_a_producer_directly(self):
        participation = services.add_participant(self.fair, self.honey.producer, actor=self.officer)
        self.assertEqual(participation.status, Participation.Status.ACCEPTED)
        with self.assertRaises(ValidationError):
            services.add_participant(self.fair, self.lai_chau.producer, actor=self.officer)


class EventManageViewTests(EventTestCase):
    def test_anonymous_is_sent_to_log_in(self):
        for url in (
            reverse("market:event_manage_list"),
            reverse("market:event_create"),
            reverse("market:event_manage", args=[self.fair.pk]),
        ):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)

    def test_office_creates_an_event_through_the_form(self):
        self.client.force_login(self.officer)
        response = self.client.post(reverse("market:event_create"), event_data())
        created = TradeEvent.objects.get(name="Tuần lễ OCOP Điện Biên")
        self.assertRedirects(response, reverse("market:event_manage", args=[created.pk]))
        self.assertEqual((created.starts_on, created.ends_on), (days(30), days(33)))

    def test_bad_input_gives_a_message_and_changes_nothing(self):
        self.client.force_login(self.officer)
        before = self.snapshot()
        cases = [
            (event_data(ends_on=days(20).isoformat()), "ends_on"),
            (event_data(starts_on="31/02/2026"), "starts_on"),
            (event_data(starts_on="9999-12-31", ends_on="9999-12-31"), "starts_on"),
            (event_data(url="javascript:alert(1)"), "url"),
            (event_data(province="12"), "province"),  # not the officer's province
            (event_data(name=""), "name"),
        ]
        for data, field in cases:
            with self.subTest(field=field):
                response = self.client.post(reverse("market:event_create"), data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.context["form"].errors)
        self.assertEqual(self.snapshot(), before)

    def test_producer_cannot_create_events(self):
        self.client.force_login(self.member)
        self.assertEqual(self.client.get(reverse("market:event_create")).status_code, 404)
        response = self.client.post(reverse("market:event_create"), event_data())
        self.assertEqual(response.status_code, 404)
        self.assertFalse(TradeEvent.objects.filter(name="Tuần lễ OCOP Điện Biên").exists())

    def test_other_province_office_gets_404_and_nothing_changes(self):
        participation = Participation.objects.create(event=self.fair, producer=self.tea.producer)
        before = self.snapshot()
        self.client.force_login(self.lai_chau_officer)
        pk = self.fair.pk
        for method, url, data in (
            ("get", reverse("market:event_manage", args=[pk]), {}),
            ("get", reverse("market:event_update", args=[pk]), {}),
            ("post", reverse("market:event_update", args=[pk]), event_data()),
            ("post", reverse("market:event_delete", args=[pk]), {}),
            (
                "post",
                reverse("market:participant_add", args=[pk]),
                {"producer": self.honey.producer_id},
            ),
            (
                "post",
                reverse("market:participation_update", args=[participation.pk]),
                {"action": "accept"},
            ),
        ):
            with self.subTest(url=url):
                self.assertEqual(getattr(self.client, method)(url, data).status_code, 404)
        self.assertEqual(self.snapshot(), before)

    def test_other_provinces_producer_cannot_see_or_join_a_provincial_event(self):
        self.client.force_login(self.lai_chau_member)
        before = self.snapshot()
        url = reverse("market:event_manage", args=[self.fair.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        response = self.client.post(
            reverse("market:event_join", args=[self.fair.pk]),
            {"producer": self.lai_chau.producer_id},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.snapshot(), before)

    def test_producer_asks_to_join_and_the_office_accepts(self):
        self.client.force_login(self.member)
        response = self.client.post(
            reverse("market:event_join", args=[self.fair.pk]),
            {"producer": self.tea.producer_id, "products": [self.tea.pk], "note": "Gian số 5"},
        )
        self.assertRedirects(response, reverse("market:event_manage", args=[self.fair.pk]))
        participation = Participation.objects.get()
        self.assertEqual(list(participation.products.all()), [self.tea])
        # Not public until accepted.
        public = self.client.get(reverse("market:event_detail", args=[self.fair.pk]))
        self.assertEqual(public.context["participations"], [])

        self.client.force_login(self.officer)
        response = self.client.post(
            reverse("market:participation_update", args=[participation.pk]), {"action": "accept"}
        )
        participation.refresh_from_db()
        self.assertEqual(participation.status, Participation.Status.ACCEPTED)

    def test_producer_cannot_accept_its_own_request(self):
        participation = Participation.objects.create(event=self.fair, producer=self.tea.producer)
        self.client.force_login(self.member)
        self.client.post(
            reverse("market:participation_update", args=[participation.pk]), {"action": "accept"}
        )
        participation.refresh_from_db()
        self.assertEqual(participation.status, Participation.Status.REQUESTED)

    def test_producer_joins_a_national_event(self):
        self.client.force_login(self.lai_chau_member)
        response = self.client.post(
            reverse("market:event_join", args=[self.national.pk]),
            {"producer": self.lai_chau.producer_id},
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Participation.objects.filter(event=self.national).exists())

    def test_join_with_bad_input_is_refused(self):
        self.client.force_login(self.member)
        for data in ({}, {"producer": "abc"}, {"producer": self.honey.producer_id}):
            with self.subTest(data=data):
                response = self.client.post(reverse("market:event_join", args=[self.fair.pk]), data)
                self.assertEqual(response.status_code, 400)
        self.assertFalse(Participation.objects.exists())

    def test_office_adds_a_producer_and_declines_another(self):
        requested = Participation.objects.create(event=self.fair, producer=self.tea.producer)
        self.client.force_login(self.officer)
        self.client.post(
            reverse("market:participant_add", args=[self.fair.pk]),
            {"producer": self.honey.producer_id},
        )
        self.client.post(
            reverse("market:participation_update", args=[requested.pk]), {"action": "decline"}
        )
        statuses = dict(Participation.objects.values_list("producer_id", "status"))
        self.assertEqual(
            statuses,
            {self.honey.producer_id: "accepted", self.tea.producer_id: "declined"},
        )

    def test_central_office_adds_a_producer_of_any_province_to_a_national_event(self):
        self.client.force_login(self.central)
        url = reverse("market:event_manage", args=[self.national.pk])
        response = self.client.get(url + "?province=12")
        producers = list(response.context["add_form"].fields["producer"].queryset)
        self.assertEqual(producers, [self.lai_chau.producer])
        self.client.post(
            reverse("market:participant_add", args=[self.national.pk]),
            {"producer": self.lai_chau.producer_id, "province": "12"},
        )
        participation = Participation.objects.get(event=self.national)
        self.assertEqual(
            (participation.producer, participation.status), (self.lai_chau.producer, "accepted")
        )

    def test_wrong_methods_and_unknown_ids(self):
        self.client.force_login(self.officer)
        self.assertEqual(
            self.client.get(reverse("market:event_join", args=[self.fair.pk])).status_code, 405
        )
        self.assertEqual(
            self.client.get(reverse("market:event_manage", args=[10**20])).status_code, 404
        )


class PublicCalendarTests(EventTestCase):
    def test_upcoming_first_and_past_on_the_second_tab(self):
        response = self.client.get(reverse("market:event_list"))
        self.assertEqual(
            [e.pk for e in response.context["page"].object_list], [self.fair.pk, self.national.pk]
        )
        response = self.client.get(reverse("market:event_list") + "?when=past")
        self.assertEqual([e.pk for e in response.context["page"].object_list], [self.past.pk])

    def test_filters_by_province_and_month(self):
        url = reverse("market:event_list")
        response = self.client.get(url + "?province=01")
        self.assertEqual([e.pk for e in response.context["page"].object_list], [self.national.pk])
        month = self.national.starts_on.strftime("%Y-%m")
        response = self.client.get(url + f"?month={month}&province=01")
        self.assertEqual([e.pk for e in response.context["page"].object_list], [self.national.pk])
        response = self.client.get(url + "?month=2001-01")
        self.assertEqual(list(response.context["page"].object_list), [])

    def test_bad_filters_are_ignored(self):
        for query in (
            "?month=2026-13",
            "?month=abc",
            "?province=%00",
            "?page=99999999999999999999",
        ):
            with self.subTest(query=query):
                response = self.client.get(reverse("market:event_list") + query)
                self.assertEqual(response.status_code, 200)

    def test_event_page_links_only_producers_with_a_public_page(self):
        Participation.objects.create(event=self.fair, producer=self.tea.producer, status="accepted")
        Participation.objects.create(event=self.fair, producer=self.unlisted, status="accepted")
        Participation.objects.create(event=self.fair, producer=self.honey.producer)  # requested
        html = self.client.get(reverse("market:event_detail", args=[self.fair.pk])).content
        html = html.decode()
        self.assertIn(
            f'<a href="{reverse("market:producer_detail", args=[self.tea.producer_id])}">', html
        )
        self.assertIn(self.unlisted.name, html)
        self.assertNotIn(reverse("market:producer_detail", args=[self.unlisted.pk]), html)
        self.assertNotIn("HTX Ong mật Điện Biên", html)

    def test_unknown_event_is_404(self):
        for pk in (999999, 10**20):
            self.assertEqual(
                self.client.get(reverse("market:event_detail", args=[pk])).status_code, 404
            )
            self.assertEqual(
                self.client.get(reverse("market:event_ics", args=[pk])).status_code, 404
            )

    def test_home_product_and_producer_pages_show_upcoming_events(self):
        Participation.objects.create(event=self.fair, producer=self.tea.producer, status="accepted")
        Participation.objects.create(event=self.past, producer=self.tea.producer, status="accepted")
        home = self.client.get(reverse("market:home"))
        self.assertEqual([e.pk for e in home.context["events"]], [self.fair.pk, self.national.pk])
        product = self.client.get(reverse("market:product_detail", args=[self.tea.pk]))
        self.assertEqual([e.pk for e in product.context["events"]], [self.fair.pk])
        producer = self.client.get(reverse("market:producer_detail", args=[self.tea.producer_id]))
        self.assertEqual([e.pk for e in producer.context["events"]], [self.fair.pk])
        other = self.client.get(reverse("market:product_detail", args=[self.honey.pk]))
        self.assertEqual(other.context["events"], [])


class ICalendarTests(EventTestCase):
    def test_one_event_file(self):
        self.fair.description = "Gian hàng; trà, cà phê\nvà mật ong"
        self.fair.save()
        response = self.client.get(reverse("market:event_ics", args=[self.fair.pk]))
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        text = response.content.decode()
        unfolded = text.replace("\r\n ", "")
        self.assertTrue(text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        self.assertIn(f"DTSTART;VALUE=DATE:{self.fair.starts_on:%Y%m%d}", text)
        # DTEND is exclusive: the day after the last day.
        self.assertIn(f"DTEND;VALUE=DATE:{days(13):%Y%m%d}", text)
        self.assertIn("Gian hàng\\; trà\\, cà phê\\nvà mật ong", unfolded)
        self.assertIn(f"UID:trade-event-{self.fair.pk}@", text)
        self.assertTrue(all(len(line.encode()) <= 75 for line in text.split("\r\n")))

    def test_bad_province_in_the_calendar_file_is_ignored(self):
        for query in ("?province=%00", "?province=ab", "?province=" + "9" * 500):
            with self.subTest(query=query):
                response = self.client.get(reverse("market:calendar_ics") + query)
                self.assertEqual(response.status_code, 200)

    def test_calendar_file_has_upcoming_and_recent_events(self):
        response = self.client.get(reverse("market:calendar_ics"))
        text = response.content.decode()
        self.assertEqual(text.count("BEGIN:VEVENT"), 3)
        response = self.client.get(reverse("market:calendar_ics") + "?province=01")
        self.assertEqual(response.content.decode().count("BEGIN:VEVENT"), 1)

    def test_folding_never_cuts_a_character(self):
        line = "SUMMARY:" + "Hội chợ đặc sản Điện Biên " * 10
        folded = ical.fold(line)
        self.assertEqual(folded.replace("\r\n ", ""), line)
        self.assertTrue(all(len(piece.encode()) <= 75 for piece in folded.split("\r\n")))


class FiguresTests(EventTestCase):
    def test_officials_see_channels_by_kind_and_events_per_province(self):
        SalesChannel.objects.create(
            product=self.tea, kind="ecommerce", name="Sàn", url="https://s.example/"
        )
        SalesChannel.objects.create(
            product=self.lai_chau, kind="ecommerce", name="Sàn", url="https://s.example/"
        )
        self.client.force_login(self.officer)
        response = self.client.get(reverse("market:inquiry_stats"))
        kinds = dict(response.context["channel_kinds"])
        self.assertEqual(kinds[SalesChannel.Kind.ECOMMERCE.label], 1)  # not Lai Châu's
        self.assertEqual(response.context["channel_total"], 1)
        events = {row["province_id"]: row for row in response.context["events"]}
        self.assertEqual((events["11"]["total"], events["11"]["upcoming"]), (2, 1))
        self.assertEqual(events["01"]["national"], 1)


class EventQueryBudgetTests(TestCase):
    """Public pages ≤ 8 queries, back office ≤ 20; the same for 5 and for 50 rows."""

    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")

    def build(self, count):
        TradeEvent.objects.all().delete()
        events = [event(f"Hội chợ {n}", start=n % 40) for n in range(count)]
        producers = []
        for n in range(count):
            product = make_product(f"Sản phẩm {n}", f"HTX mẫu {n}")
            producers.append(product.producer)
            Participation.objects.create(
                event=events[0], producer=product.producer, status="accepted"
            ).products.add(product)
        certify([p for producer in producers for p in producer.products.all()], star=3)
        for item in events[1:]:
            Participation.objects.create(event=item, producer=producers[0], status="accepted")
        SalesChannel.objects.bulk_create(
            SalesChannel(product=producers[0].products.get(), kind="other", name=f"Kênh {n}")
            for n in range(count)
        )
        return events, producers

    def assert_same_count(self, url_for, expected, user=None):
        if user:
            self.client.force_login(user)
        for count in (5, 50):
            events, producers = self.build(count)
            url = url_for(events, producers)
            # As every request after the first: the reference data (provinces, scoring
            # sets) is in the server's cache.
            self.client.get(url)
            with self.subTest(count=count), self.assertNumQueries(expected):
                response = self.client.get(url)
            self.assertEqual(response.status_code, 200)

    def test_calendar(self):
        # provinces (filter); count; the page of events with province and producer counts
        self.assert_same_count(lambda events, producers: reverse("market:event_list"), 3)

    def test_event_page(self):
        # the event and its province; accepted producers with province and public flag;
        # their products with public flag
        self.assert_same_count(
            lambda events, producers: reverse("market:event_detail", args=[events[0].pk]), 3
        )

    def test_calendar_file(self):
        # the events with their provinces
        self.assert_same_count(lambda events, producers: reverse("market:calendar_ics"), 1)

    def test_product_page_with_channels_and_events(self):
        # the product; its certificates; its photos; the listings of its set and producer;
        # their products; their photos; its active channels; its producer's upcoming events
        self.assert_same_count(
            lambda events, producers: reverse(
                "market:product_detail", args=[producers[0].products.get().pk]
            ),
            8,
        )

    def test_producer_page_with_channels_and_events(self):
        # the producer; its listed products; their photos; their active channels; its
        # upcoming events
        self.assert_same_count(
            lambda events, producers: reverse("market:producer_detail", args=[producers[0].pk]), 5
        )

    def test_back_office_event_list(self):
        # session; user; official scope; count; the page of organised events with counts;
        # the user's producers (exists); upcoming events open to them
        self.assert_same_count(
            lambda events, producers: reverse("market:event_manage_list"), 7, self.officer
        )

    def test_back_office_event_page(self):
        # session; user; official scope; the event with organiser flag; its participations
        # with producers; their products; the user's own producers (join form); producers of
        # the province (add form)
        self.assert_same_count(
            lambda events, producers: reverse("market:event_manage", args=[events[0].pk]),
            8,
            self.officer,
        )
