"""The entry of a decision taken before the platform (``recognition/historical.py``).

The cast (``decision_pages.Cast``): the Điện Biên office (``officer``), the Lai Châu office
(``lai_chau``), the central office (``central``) and a member of a Điện Biên producer
(``member``)."""

import datetime
import unicodedata
from unittest import mock

import time_machine

from ocop.core.models import AuditEvent
from ocop.core.text import fold

from ..models import Certificate, RecognitionDecision
from ..recognition import historical, services
from .decision_pages import Cast, snapshot, url, vi
from .factories import NOW, TODAY, historical_certificate, tea_product

# --------------------------------------------------------------------------------------
# Historical decisions
# --------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
class HistoricalDecisionTests(Cast):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.rice = tea_product()
        cls.coffee = tea_product("03127")
        cls.lai_chau_product = tea_product("03388")

    def post(self, user, rows, **header):
        self.login(user)
        data = {
            "province": "11",
            "authority": "province_chairman",
            "number": "88/QĐ-UBND",
            "decided_on": "2024-03-15",
            "signer_name": "Mùa A Sơn",
            "note": "Nhập lại từ hồ sơ giấy",
            "rows-TOTAL_FORMS": str(len(rows)),
            "rows-INITIAL_FORMS": "0",
            "rows-MIN_NUM_FORMS": "0",
            "rows-MAX_NUM_FORMS": "50",
        }
        for index, row in enumerate(rows):
            for key, value in row.items():
                data[f"rows-{index}-{key}"] = value
        data.update(header)
        return self.client.post(url("decision_record_historical"), data)

    def row(self, product, number, star=3, **extra):
        """A row naming the product as an office types it: its name."""
        return {"product": product.name, "star": str(star), "number": number, **extra}

    def row_errors(self, response):
        return [dict(form.errors) for form in response.context["formset"].forms]

    def test_form_suggests_the_provinces_products_only(self):
        self.login(self.officer)
        response = self.client.get(url("decision_record_historical"), {"rows": "3"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["formset"].forms), 3)
        suggested = " | ".join(response.context["products"])
        self.assertIn(self.rice.name, suggested)
        self.assertNotIn(self.lai_chau_product.name, suggested)
        # One list of suggestions for every row, not a menu of every product in each row.
        self.assertContains(response, '<datalist id="historical-products">', count=1)
        self.assertContains(response, 'list="historical-products"', count=3)

    def test_happy_path_records_the_decision_and_its_certificates(self):
        response = self.post(
            self.officer,
            [
                self.row(self.rice, "GCN-01/2024"),
                {"product": "", "star": "", "number": ""},  # a blank row is skipped
                self.row(
                    self.coffee,
                    "GCN-02/2024",
                    star=4,
                    issued_on="2024-03-20",
                    valid_until="2027-03-20",
                ),
            ],
        )
        decision = RecognitionDecision.objects.get(number="88/QĐ-UBND")
        self.assertRedirects(response, url("decision_detail", decision.pk))
        self.assertTrue(decision.is_historical)
        self.assertTrue(decision.is_signed)
        self.assertEqual(decision.authority, "province_chairman")
        rice, coffee = (
            Certificate.objects.get(number="GCN-01/2024"),
            Certificate.objects.get(number="GCN-02/2024"),
        )
        self.assertEqual(rice.product, self.rice)
        self.assertEqual(
            (rice.issued_on, rice.valid_until),
            (datetime.date(2024, 3, 15), datetime.date(2027, 3, 15)),
        )
        self.assertEqual((coffee.star, coffee.issued_on), (4, datetime.date(2024, 3, 20)))
        self.assertTrue(AuditEvent.objects.filter(action="decision.historical_recorded").exists())

    def test_district_chairmans_3_star_decision_before_july_2025(self):
        response = self.post(
            self.officer, [self.row(self.rice, "GCN-H1")], authority="district_chairman"
        )
        decision = RecognitionDecision.objects.get(number="88/QĐ-UBND")
        self.assertRedirects(response, url("decision_detail", decision.pk))
        self.assertEqual(decision.authority, "district_chairman")

    def test_product_is_found_by_suggestion_code_or_name_tone_marks_and_case_aside(self):
        type(self.coffee).objects.filter(pk=self.coffee.pk).update(code="11-03127-001-2023")
        other = tea_product()
        label = next(text for text in self.lookup_labels() if text.startswith(other.name))
        response = self.post(
            self.officer,
            [
                self.row(self.rice, "GCN-A") | {"product": fold(self.rice.name).upper()},
                self.row(self.coffee, "GCN-B") | {"product": " 11 – 3127 – 001 – 2023 "},
                self.row(other, "GCN-C") | {"product": unicodedata.normalize("NFD", label)},
            ],
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            dict(Certificate.objects.values_list("number", "product_id")),
            {"GCN-A": self.rice.pk, "GCN-B": self.coffee.pk, "GCN-C": other.pk},
        )

    def lookup_labels(self):
        self.login(self.officer)
        return self.client.get(url("decision_record_historical")).context["products"]

    def test_a_name_two_products_share_or_no_product_has_is_a_row_error(self):
        twin = tea_product("03127")
        type(twin).objects.filter(pk=twin.pk).update(
            name=self.rice.name, folded_name=self.rice.folded_name
        )
        before = snapshot()
        response = self.post(
            self.officer,
            [
                self.row(self.rice, "GCN-1"),  # two producers make a product of this name
                self.row(self.lai_chau_product, "GCN-2"),  # not a product of the province
                {"product": "x" * 500, "star": "3", "number": "GCN-3"},
                # An id, as the old menu sent it: not a way to name another province's product.
                {"product": str(self.lai_chau_product.pk), "star": "3", "number": "GCN-4"},
            ],
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            vi(
                "Several products are named “%(text)s”: choose one from the list, which shows "
                "their producers.",
                text=self.rice.name,
            ),
        )
        self.assertContains(
            response,
            vi(
                "No product of %(province)s matches “%(text)s”: choose one from the list.",
                province="Tỉnh Điện Biên",
                text=self.lai_chau_product.name,
            ),
        )
        self.assertIn("product", self.row_errors(response)[2])
        self.assertIn("product", self.row_errors(response)[3])
        # The suggestions tell the two apart by their producers.
        labels = [text for text in response.context["products"] if self.rice.name in text]
        self.assertEqual(len(labels), 2)
        self.assertEqual(len(set(labels)), 2)
        self.assertEqual(snapshot(), before)

    def test_bad_rows_are_shown_per_row_and_nothing_is_saved(self):
        historical_certificate(self.officer, tea_product(), issued_on=TODAY, number="GCN-USED")
        before = snapshot()
        response = self.post(
            self.officer,
            [
                self.row(self.rice, ""),  # no certificate number
                self.row(self.coffee, "GCN-USED"),  # number already recorded
                self.row(self.lai_chau_product, "GCN-03"),  # another province's product
                self.row(self.rice, "GCN-04", star=2),  # star below 3, product listed twice
                self.row(self.coffee, "GCN-05", issued_on="2024-05-01", valid_until="2024-04-01"),
            ],
        )
        self.assertEqual(response.status_code, 200)
        errors = self.row_errors(response)
        self.assertIn("number", errors[0])
        self.assertIn("number", errors[1])
        self.assertIn("product", errors[2])
        self.assertIn("star", errors[3])
        self.assertIn("valid_until", errors[4])
        self.assertContains(response, vi("Enter the certificate number."))
        self.assertEqual(snapshot(), before)

    def test_the_form_sent_twice_records_the_decision_once(self):
        rows = [self.row(self.rice, "GCN-1"), self.row(self.coffee, "GCN-2", star=4)]
        first = self.post(self.officer, rows)
        decision = RecognitionDecision.objects.get()
        self.assertRedirects(first, url("decision_detail", decision.pk))
        before = snapshot()
        second = self.post(self.officer, rows)
        self.assertRedirects(second, url("decision_detail", decision.pk))
        self.assertEqual(snapshot(), before)
        # Another certificate number is another form: refused, not taken for the first one.
        response = self.post(self.officer, [*rows, self.row(tea_product(), "GCN-3")])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(snapshot(), before)

    def test_the_form_sent_twice_at_the_same_moment_records_the_decision_once(self):
        real_entries = historical._historical_entries
        rows = [self.row(self.rice, "GCN-1")]
        officer, rice = self.officer, self.rice

        def checked_then_recorded_by_the_other_request(formset, lookup):
            services.record_historical_decision(
                rice.producer.province,
                actor=officer,
                number="88/QĐ-UBND",
                decided_on=datetime.date(2024, 3, 15),
                signer_name="Mùa A Sơn",
                certificates=[services.HistoricalCertificate(product=rice, star=3, number="GCN-1")],
            )
            return real_entries(formset, lookup)

        with mock.patch.object(historical, "_historical_entries") as entries:
            entries.side_effect = checked_then_recorded_by_the_other_request
            response = self.post(self.officer, rows)
        decision = RecognitionDecision.objects.get()
        self.assertRedirects(response, url("decision_detail", decision.pk))
        self.assertEqual(Certificate.objects.count(), 1)

    def test_a_product_listed_twice_is_refused_on_its_row(self):
        before = snapshot()
        response = self.post(
            self.officer, [self.row(self.rice, "GCN-1"), self.row(self.rice, "GCN-2")]
        )
        self.assertIn("product", response.context["formset"].forms[1].errors)
        self.assertEqual(snapshot(), before)

    def test_no_rows_and_bad_header_are_refused_and_nothing_is_saved(self):
        before = snapshot()
        response = self.post(self.officer, [{"product": "", "star": "", "number": ""}])
        self.assertContains(response, vi("Add at least one product."))
        response = self.post(
            self.officer,
            [self.row(self.rice, "GCN-1")],
            decided_on=(TODAY + datetime.timedelta(days=3)).isoformat(),
        )
        self.assertContains(response, vi("The date of the decision cannot be in the future."))
        # The office's own province whatever is posted; an unknown authority is refused.
        response = self.post(
            self.officer, [self.row(self.rice, "GCN-1")], province="12", authority="x"
        )
        self.assertEqual(set(response.context["form"].errors), {"authority"})
        self.assertEqual(response.context["province"].pk, "11")
        response = self.post(self.officer, [self.row(self.rice, "GCN-1")] * 60)
        self.assertTrue(response.context["formset"].non_form_errors())
        response = self.post(
            self.officer, [self.row(self.rice, "GCN-1")], number="  ", signer_name="", decided_on=""
        )
        for message in (
            "Enter the decision number, e.g. 1234/QĐ-UBND.",
            "Enter the date of the decision.",
            "Enter the name of the person who signs the decision.",
        ):
            self.assertContains(response, vi(message))
        self.assertEqual(snapshot(), before)

    def test_tampered_row_counts_are_refused_and_nothing_is_saved(self):
        before = snapshot()
        rows = [self.row(self.rice, "GCN-1")]
        for count in ("-5", "x", "", "99999999999999999999999999", "1e3", "\x00"):
            with self.subTest(count=count):
                response = self.post(self.officer, rows, **{"rows-TOTAL_FORMS": count})
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["formset"].non_form_errors())
        self.assertEqual(snapshot(), before)

    def test_days_out_of_reason_are_refused_and_nothing_is_saved(self):
        """A year mistyped (0202, 9999) is refused: such a day made the certificate's pages
        fail (the re-rating window and the grace period lie outside the calendar)."""
        before = snapshot()
        cases = [
            ({"valid_until": "9999-12-31"}, {}, "valid_until"),
            ({"valid_until": "2029-03-16"}, {}, "valid_until"),  # more than 5 years
            ({"issued_on": "0001-01-01"}, {}, "issued_on"),
            ({"issued_on": "2024-03-14"}, {}, "issued_on"),  # before the decision
            ({"issued_on": "2026-02-30"}, {}, "issued_on"),
            ({"valid_until": "99999-01-01"}, {}, "valid_until"),
            ({}, {"decided_on": "0202-03-15"}, "decided_on"),
        ]
        for extra, header, field in cases:
            with self.subTest(extra=extra, header=header):
                response = self.post(
                    self.officer, [self.row(self.rice, "GCN-1", **extra)], **header
                )
                self.assertEqual(response.status_code, 200)
                errors = self.row_errors(response)[0] | response.context["form"].errors
                self.assertIn(field, errors)
        response = self.post(self.officer, [self.row(self.rice, "GCN-1")], decided_on="2012-12-31")
        self.assertContains(
            response, vi("Check the year: OCOP decisions date from %(year)s on.", year=2013)
        )
        self.assertEqual(snapshot(), before)

    def test_each_authority_records_only_the_stars_it_recognises(self):
        before = snapshot()
        response = self.post(self.officer, [self.row(self.rice, "GCN-1", star=5)])
        self.assertIn("star", self.row_errors(response)[0])
        self.assertContains(
            response,
            vi(
                "The provincial chairman recognises 3- and 4-star products; the Minister "
                "recognises 5-star ones."
            ),
        )
        response = self.post(
            self.officer, [self.row(self.rice, "GCN-1", star=4)], authority="district_chairman"
        )
        self.assertIn("star", self.row_errors(response)[0])
        response = self.post(
            self.central,
            [self.row(self.rice, "GCN-1", star=3)],
            authority="minister",
            number="9/QĐ-BNNMT",
        )
        self.assertContains(response, vi("The Minister recognises 5-star products only."))
        self.assertEqual(snapshot(), before)

    def test_district_chairman_decision_after_july_2025_is_refused(self):
        before = snapshot()
        response = self.post(
            self.officer,
            [self.row(self.rice, "GCN-1")],
            authority="district_chairman",
            decided_on="2025-07-01",
        )
        self.assertIn("authority", response.context["form"].errors)
        self.assertEqual(snapshot(), before)

    def test_numbers_typed_with_decomposed_tone_marks_are_the_same_numbers(self):
        historical_certificate(self.officer, tea_product(), issued_on=TODAY, number="GCN-Đ/Số 1")
        before = snapshot()
        response = self.post(
            self.officer,
            [self.row(self.rice, unicodedata.normalize("NFD", "GCN-Đ/Số\u00a01"))],
        )
        self.assertContains(
            response,
            vi(
                "Certificate number %(number)s is already recorded.",
                number="GCN-Đ/Số 1",
            ),
        )
        self.assertEqual(snapshot(), before)
        self.post(
            self.officer,
            [self.row(self.rice, "GCN-2")],
            signer_name=unicodedata.normalize("NFD", "  Mùa   A Sơn "),
        )
        self.assertEqual(
            RecognitionDecision.objects.get(number="88/QĐ-UBND").signer_name, "Mùa A Sơn"
        )

    def test_more_rows_keeps_what_was_typed_and_saves_nothing(self):
        before = snapshot()
        response = self.post(
            self.officer,
            [self.row(self.rice, "GCN-1", star=4), {"product": "", "star": "", "number": ""}],
            more_rows="1",
            number="",  # not checked yet: nothing is being saved
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(snapshot(), before)
        formset = response.context["formset"]
        self.assertEqual(len(formset.forms), 7)
        self.assertFalse(response.context["form"].errors)
        self.assertNotContains(response, 'class="form-error"')
        self.assertContains(response, f'value="{self.rice.name}"')
        self.assertContains(response, '<option value="4" selected>')
        self.assertContains(response, 'value="Mùa A Sơn"')
        self.assertContains(response, 'name="rows-TOTAL_FORMS" value="7"')
        # The rows come back as typed: sent again, they are recorded.
        data = {
            "province": "11",
            "authority": "province_chairman",
            "number": "88/QĐ-UBND",
            "decided_on": "2024-03-15",
            "signer_name": "Mùa A Sơn",
            "rows-TOTAL_FORMS": "7",
            "rows-INITIAL_FORMS": "0",
        }
        for index, form in enumerate(formset.forms):
            for name, value in form.initial.items():
                data[f"rows-{index}-{name}"] = value
        response = self.client.post(url("decision_record_historical"), data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Certificate.objects.get(number="GCN-1").star, 4)

    def test_rows_stop_at_50(self):
        response = self.post(self.officer, [self.row(self.rice, "GCN-1")] * 48, more_rows="1")
        self.assertEqual(len(response.context["formset"].forms), 50)
        self.assertNotContains(response, 'id="more-rows"')
        self.login(self.officer)
        response = self.client.get(url("decision_record_historical"), {"rows": "500"})
        self.assertEqual(len(response.context["formset"].forms), 50)

    def test_province_office_cannot_record_a_ministers_decision(self):
        before = snapshot()
        response = self.post(self.officer, [self.row(self.rice, "GCN-1")], authority="minister")
        self.assertIn("authority", response.context["form"].errors)
        self.assertEqual(snapshot(), before)

    def test_central_office_chooses_the_province_then_records_a_ministers_decision(self):
        self.login(self.central)
        response = self.client.get(url("decision_record_historical"))
        self.assertIsNone(response.context["province"])
        self.assertNotIn("form", response.context)
        response = self.client.get(url("decision_record_historical"), {"province": "11"})
        self.assertEqual(
            [value for value, _ in response.context["form"].fields["authority"].choices],
            ["minister"],
        )
        response = self.post(
            self.central,
            [self.row(self.rice, "GCN-5SAO", star=5)],
            authority="minister",
            number="9/QĐ-BNNMT",
        )
        decision = RecognitionDecision.objects.get(number="9/QĐ-BNNMT")
        self.assertRedirects(response, url("decision_detail", decision.pk))
        self.assertIsNone(decision.province_id)
        self.assertEqual(decision.certificates.get().star, 5)

    def test_other_province_office_and_producer_cannot_record_for_dien_bien(self):
        before = snapshot()
        response = self.post(self.lai_chau, [self.row(self.rice, "GCN-1")])
        self.assertEqual(response.context["province"].pk, "12")
        self.assertIn("product", response.context["formset"].forms[0].errors)
        self.assertEqual(self.post(self.member, [self.row(self.rice, "GCN-1")]).status_code, 404)
        self.assertEqual(snapshot(), before)

    def test_anonymous_user_is_sent_to_login(self):
        response = self.client.get(url("decision_record_historical"))
        self.assertEqual(response.status_code, 302)

    def assert_form_queries(self, count):
        while len(self.lookup_labels()) < count:
            tea_product()
        self.login(self.officer)
        # 1 session, 2 user, 3 memberships (official scope), 4 the office's provinces, 5 the
        # province's products with their producers (the suggestions).
        with self.assertNumQueries(5):
            response = self.client.get(url("decision_record_historical"), {"rows": "10"})
        self.assertEqual(len(response.context["products"]), count)

    def test_form_with_5_products(self):
        self.assert_form_queries(5)

    def test_form_with_50_products(self):
        self.assert_form_queries(50)
