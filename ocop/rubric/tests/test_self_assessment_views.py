"""The self-assessment pages for every role: a fixed cast around one tea product of a Mường Ảng
producer (Điện Biên). Its producer's member fills in the sheet; officials whose scope covers it
read and print it but change nothing; everyone else gets 404 and changes nothing; anonymous
users are sent to the login page."""

import datetime

import time_machine
from django.test import TestCase, override_settings
from django.urls import reverse

from ocop.accounts.tests.factories import central_officer, commune_officer, province_officer
from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products.models import ScoringSet
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import DIEN_BIEN_PHU, DOAN_KET, MUONG_ANG, commune
from ocop.rubric.models import SelfAssessment
from ocop.rubric.services import finish_self_assessment
from ocop.rubric.tests.factories import self_assessment

LIST_URL = reverse("rubric:selfassessment_list")
START_URL = reverse("rubric:selfassessment_start")
READERS = ("member", "central", "dien_bien_office", "commune_officer_here")
OFFICIAL_READERS = ("central", "dien_bien_office", "commune_officer_here")
OUTSIDERS = ("lai_chau_office", "commune_officer_elsewhere", "other_member")


def database_state():
    return (
        list(SelfAssessment.objects.order_by("pk").values()),
        list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)),
    )


def url(name, assessment):
    return reverse(f"rubric:selfassessment_{name}", args=[assessment.pk])


@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class CastTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.producer = ProducerFactory(name="HTX Chè Shan tuyết", commune=commune(MUONG_ANG))
        cls.product = ProductFactory(producer=cls.producer, name="Trà Shan tuyết cổ thụ")
        cls.users = {
            "member": producer_member(cls.producer),
            "central": central_officer(),
            "dien_bien_office": province_officer("11"),
            "commune_officer_here": commune_officer(MUONG_ANG),
            "lai_chau_office": province_officer("12"),
            "commune_officer_elsewhere": commune_officer(DIEN_BIEN_PHU),
            "other_member": producer_member(ProducerFactory(commune=commune(MUONG_ANG))),
        }
        cls.assessment = self_assessment(
            cls.product, actor=cls.users["member"], answers={"1.1": 2, "5.1": 5}
        )

    def login(self, role):
        self.client.force_login(self.users[role])


class ListTests(CastTestCase):
    def test_each_role_sees_the_self_assessments_of_its_scope(self):
        for role in READERS:
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(LIST_URL)
                assert response.status_code == 200
                assert list(response.context["page"].object_list) == [self.assessment]
                assert "Trà Shan tuyết cổ thụ" in response.text
        for role in OUTSIDERS:
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(LIST_URL)
                assert response.status_code == 200
                assert list(response.context["page"].object_list) == []
                assert "Trà Shan tuyết cổ thụ" not in response.text

    def test_only_members_are_offered_their_products_to_self_assess(self):
        self.login("member")
        response = self.client.get(LIST_URL)
        assert list(response.context["startable"]) == [self.product]
        assert f'action="{START_URL}"' in response.text
        self.login("central")
        response = self.client.get(LIST_URL)
        assert list(response.context["startable"]) == []
        assert f'action="{START_URL}"' not in response.text

    def test_the_list_shows_total_rating_and_status(self):
        self.login("dien_bien_office")
        response = self.client.get(LIST_URL)
        # 1.1 option 2 is worth 2 points, 5.1 option 5 is worth 5.
        assert '<td class="numeric">7</td>' in response.text
        assert "11. Tea (fresh and processed)" in response.text
        assert "1 star" in response.text
        assert "Draft" in response.text

    def test_the_list_can_be_narrowed_to_one_product_and_ignores_a_malformed_filter(self):
        other = self_assessment(ProductFactory(producer=self.producer))
        self.login("member")
        response = self.client.get(LIST_URL, {"product": self.product.pk})
        assert list(response.context["page"].object_list) == [self.assessment]
        response = self.client.get(LIST_URL, {"product": "1; DROP", "page": "x"})
        assert set(response.context["page"].object_list) == {self.assessment, other}

    def test_anonymous_user_is_sent_to_login(self):
        response = self.client.get(LIST_URL)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


class ListQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")

    def assert_list_queries(self, count):
        for _ in range(count):
            self_assessment(ProductFactory(producer__commune=commune(MUONG_ANG)))
        self.client.force_login(self.officer)
        # 1 session, 2 user, 3 the user's memberships (official scope), 4 count of visible
        # self-assessments, 5 the page with product, producer, province, commune and version,
        # 6 the products the user may start a self-assessment of (none for an official).
        with self.assertNumQueries(6):
            response = self.client.get(LIST_URL)
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == min(count, 25)

    def test_list_with_5_self_assessments(self):
        self.assert_list_queries(5)

    def test_list_with_50_self_assessments(self):
        self.assert_list_queries(50)


class DetailTests(CastTestCase):
    def test_member_gets_the_whole_sheet_as_a_form_with_htmx_on_each_criterion(self):
        self.login("member")
        response = self.client.get(url("detail", self.assessment))
        assert response.status_code == 200
        text = response.text
        # Parts, headings, criteria and their options in printed order.
        for marker in ("Part A", "Part B", "Part C", "6.1.", "6.1.1.", "CÔNG BỐ CHẤT LƯỢNG"):
            assert marker in text
        assert text.index('id="c-1-1"') < text.index('id="c-6-1-1"') < text.index('id="c-11"')
        assert text.count('class="sa-criterion"') == 32
        assert text.count(f'hx-post="{url("answer", self.assessment)}"') == 32
        assert 'hx-params="answer-6.1.1"' in text
        assert '<input type="radio" name="answer-1.1" value="2" checked>' in text
        assert '<input type="radio" name="answer-1.2" value="" checked>' in text
        # The star minimum, the condition and the live summary.
        assert '<mark class="star-minimum" title="Minimum for a 3-star rating">★★★</mark>' in text
        assert "Chỉ áp dụng khi có câu chuyện sản phẩm" in text
        assert '<strong id="sa-total">7</strong>' in text
        # 7 points is 1★; nothing below 3★ is recognised, so the advice aims at 3★
        assert "Để đạt 3 sao cần tối thiểu 50 điểm" in text
        assert "This advice is written in Vietnamese." in text
        assert "Save answers" in text

    def test_officials_in_scope_read_it_without_a_form(self):
        for role in OFFICIAL_READERS:
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(url("detail", self.assessment))
                assert response.status_code == 200
                assert 'type="radio"' not in response.text
                assert "hx-post" not in response.text
                assert "Save answers" not in response.text
                assert '<strong aria-current="true">✔' in response.text
                assert '<strong id="sa-total">7</strong>' in response.text

    def test_a_finished_self_assessment_is_read_only_even_for_the_member(self):
        finish_self_assessment(self.assessment, actor=self.users["member"])
        self.login("member")
        response = self.client.get(url("detail", self.assessment))
        assert 'type="radio"' not in response.text
        assert "finished and can no longer change" in response.text
        assert "Start a new self-assessment of this product" in response.text

    def test_outsiders_get_404_and_anonymous_users_are_sent_to_login(self):
        for name in ("detail", "print"):
            for role in OUTSIDERS:
                with self.subTest(name=name, role=role):
                    self.login(role)
                    assert self.client.get(url(name, self.assessment)).status_code == 404
            self.client.logout()
            response = self.client.get(url(name, self.assessment))
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))

    def test_absurd_ids_are_404(self):
        self.login("central")
        for name in ("detail", "print", "finish"):
            with self.subTest(name=name):
                path = reverse(f"rubric:selfassessment_{name}", args=[10**30])
                assert self.client.get(path).status_code == 404


class DetailQueryCountTests(TestCase):
    """The sheet comes from the cached data files: no query per criterion."""

    def assert_detail_queries(self, scoring_set, answers):
        product = ProductFactory(scoring_set=ScoringSet.objects.get(number=scoring_set))
        member = producer_member(product.producer)
        assessment = self_assessment(product, actor=member, answers=answers)
        self.client.force_login(member)
        # 1 session, 2 user, 3 the user's memberships (official scope, for visible_to), 4 the
        # self-assessment with product, producer, province, commune, version and author,
        # 5 whether the user is a member of the product's producer (may edit).
        with self.assertNumQueries(5):
            response = self.client.get(url("detail", assessment))
        assert response.status_code == 200
        return response

    def test_the_coffee_sheet_with_34_criteria(self):
        response = self.assert_detail_queries(13, {"1.1": 2})
        assert response.text.count('class="sa-criterion"') == 34

    def test_the_ornamental_animals_sheet_with_25_criteria(self):
        response = self.assert_detail_queries(25, {"1.1": 2})
        assert response.text.count('class="sa-criterion"') == 25

    def test_alternative_cases_are_shown_with_their_labels(self):
        response = self.assert_detail_queries(26, {"8": 3})
        text = response.text
        assert "Lựa chọn một trong hai trường hợp sau:" in text
        case_1 = text.index("Trường hợp 1: Dịch vụ du lịch do cộng đồng cung cấp")
        case_2 = text.index("Trường hợp 2: Điểm dịch vụ du lịch")
        assert case_1 < case_2 < text.index('name="answer-8" value="3" checked')


class AnswerTests(CastTestCase):
    """The htmx call made by one radio change."""

    def post(self, data, role="member", htmx=True):
        self.login(role)
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.post(url("answer", self.assessment), data, headers=headers)

    def test_member_answers_and_gets_the_summary_and_the_scores_out_of_band(self):
        response = self.post({"answer-4.1": "4"})
        assert response.status_code == 200
        text = response.text
        assert "<html" not in text
        assert text.strip().startswith('<aside id="sa-summary"')
        assert '<strong id="sa-total">12</strong>' in text  # 7 + 5
        assert '<span id="sa-live" aria-live="polite" hx-swap-oob="innerHTML">' in text
        assert '<p id="score-4-1" class="criterion-score" hx-swap-oob="true">' in text
        assert "5 of 5 points" in text
        self.assessment.refresh_from_db()
        assert self.assessment.answers == {"1.1": 2, "5.1": 5, "4.1": 4}
        assert self.assessment.total == 12
        assert "HX-Request" in response["Vary"]

    def test_clearing_an_answer(self):
        self.post({"answer-1.1": ""})
        self.assessment.refresh_from_db()
        assert (self.assessment.answers, self.assessment.total) == ({"5.1": 5}, 5)

    def test_a_changed_condition_updates_the_score_of_the_criterion_it_governs(self):
        self.post({"answer-5.2": "3"})
        response = self.post({"answer-5.1": "1"})  # "no story": 5.2 no longer counts
        assert "Does not count: its condition is not met." in response.text
        self.assessment.refresh_from_db()
        assert self.assessment.total == 2

    def test_a_refused_answer_is_explained_in_the_summary_and_nothing_changes(self):
        before = database_state()
        for data, message in [
            ({"answer-6.1": "1"}, "6.1 is a heading and cannot be answered"),
            ({"answer-1.1": "7"}, "Criterion 1.1 has options 1 to 3; 7 is not one of them"),
            ({"answer-1.1": "abc"}, "Criterion 1.1 has options 1 to 3"),
            ({"answer-1.1": "1", "answer-1.2": "1"}, "Choose one option of one criterion."),
            ({}, "Choose one option of one criterion."),
        ]:
            with self.subTest(data=data):
                response = self.post(data)
                assert response.status_code == 200
                assert '<p class="form-error" role="alert">' in response.text
                assert message in response.text
        assert database_state() == before

    def test_a_finished_self_assessment_refuses_answers_and_nothing_changes(self):
        finish_self_assessment(self.assessment, actor=self.users["member"])
        before = database_state()
        response = self.post({"answer-1.1": "3"})
        assert "finished and can no longer change" in response.text
        assert database_state() == before

    def test_officials_and_outsiders_get_404_and_nothing_changes(self):
        before = database_state()
        for role in (*OFFICIAL_READERS, *OUTSIDERS):
            with self.subTest(role=role):
                assert self.post({"answer-1.1": "3"}, role=role).status_code == 404
        assert database_state() == before

    def test_anonymous_post_is_sent_to_login_and_nothing_changes(self):
        before = database_state()
        response = self.client.post(url("answer", self.assessment), {"answer-1.1": "3"})
        assert response.status_code == 302
        assert database_state() == before

    def test_get_is_not_allowed(self):
        self.login("member")
        assert self.client.get(url("answer", self.assessment)).status_code == 405

    def test_without_htmx_it_saves_and_returns_to_the_sheet(self):
        response = self.post({"answer-1.1": "3"}, htmx=False)
        assert response.status_code == 302
        assert response["Location"] == url("detail", self.assessment)
        self.assessment.refresh_from_db()
        assert self.assessment.answers["1.1"] == 3


class FullFormTests(CastTestCase):
    """The same sheet without JavaScript: one submit saves every answer."""

    def form_data(self, answers, action="save"):
        """The posted form: every radio group of a few criteria, "Not answered" by default."""
        data = {f"answer-{code}": "" for code in ("1.1", "1.2", "5.1", "5.2", "6.1.1")}
        data.update({f"answer-{code}": option for code, option in answers.items()})
        data["action"] = action
        return data

    def test_member_saves_all_answers_at_once(self):
        self.login("member")
        data = self.form_data({"1.2": "3", "5.1": "5", "6.1.1": "3"})
        response = self.client.post(url("detail", self.assessment), data, follow=True)
        assert response.redirect_chain == [(url("detail", self.assessment), 302)]
        assert "Your answers were saved." in response.text
        self.assessment.refresh_from_db()
        # 1.1 was cleared (its "Not answered" radio was ticked); 1.2, 5.1 and 6.1.1 saved.
        assert self.assessment.answers == {"1.2": 3, "5.1": 5, "6.1.1": 3}
        assert self.assessment.total == 2 + 5 + 2
        assert '<strong id="sa-total">9</strong>' in response.text

    def test_save_and_finish_goes_to_the_confirmation(self):
        self.login("member")
        data = self.form_data({"1.1": "3", "5.1": "5"}, action="finish")
        response = self.client.post(url("detail", self.assessment), data)
        assert response.status_code == 302
        assert response["Location"] == url("finish", self.assessment)
        self.assessment.refresh_from_db()
        assert self.assessment.answers == {"1.1": 3, "5.1": 5}
        assert self.assessment.status == SelfAssessment.Status.DRAFT

    def test_an_invalid_answer_is_reported_and_nothing_is_saved(self):
        self.login("member")
        before = database_state()
        response = self.client.post(
            url("detail", self.assessment), self.form_data({"1.2": "3", "1.1": "9"})
        )
        assert response.status_code == 200
        assert "Criterion 1.1 has options 1 to 3; 9 is not one of them" in response.text
        assert database_state() == before

    def test_officials_and_outsiders_get_404_and_nothing_changes(self):
        before = database_state()
        for role in (*OFFICIAL_READERS, *OUTSIDERS):
            with self.subTest(role=role):
                self.login(role)
                response = self.client.post(
                    url("detail", self.assessment), self.form_data({"1.1": "3"})
                )
                assert response.status_code == 404
        assert database_state() == before


class StartTests(CastTestCase):
    def setUp(self):
        self.other_product = ProductFactory(producer=self.producer, name="Bạch trà Shan tuyết")

    def test_member_confirms_and_starts_a_self_assessment(self):
        self.login("member")
        response = self.client.get(START_URL, {"product": self.other_product.pk})
        assert response.status_code == 200
        assert "11. Tea (fresh and processed)" in response.text
        assert 'type="submit">Start<' in response.text
        response = self.client.post(START_URL, {"product": self.other_product.pk})
        created = SelfAssessment.objects.get(product=self.other_product)
        assert response.status_code == 302
        assert response["Location"] == url("detail", created)
        assert AuditEvent.objects.filter(
            action="rubric.self_assessment_started", object_id=str(created.pk)
        ).exists()

    def test_an_open_draft_is_reopened_instead(self):
        self.login("member")
        response = self.client.get(START_URL, {"product": self.product.pk})
        assert response.status_code == 302
        assert response["Location"] == url("detail", self.assessment)
        before = database_state()
        response = self.client.post(START_URL, {"product": self.product.pk})
        assert response["Location"] == url("detail", self.assessment)
        assert database_state() == before

    def test_officials_and_outsiders_get_404_and_nothing_changes(self):
        before = database_state()
        for role in (*OFFICIAL_READERS, *OUTSIDERS):
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(START_URL, {"product": self.other_product.pk})
                assert response.status_code == 404
                response = self.client.post(START_URL, {"product": self.other_product.pk})
                assert response.status_code == 404
        assert database_state() == before

    def test_a_new_one_after_a_finished_one_says_it_starts_from_its_answers(self):
        finish_self_assessment(self.assessment, actor=self.users["member"])
        self.login("member")
        response = self.client.get(START_URL, {"product": self.product.pk})
        assert response.status_code == 200
        assert "starts from the answers of your previous one" in response.text

    def test_no_rubric_in_force_is_explained_and_nothing_is_created(self):
        self.login("member")
        before = database_state()
        with time_machine.travel(datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)):
            response = self.client.get(START_URL, {"product": self.other_product.pk})
            assert "No OCOP rubric in force today" in response.text
            assert 'type="submit">Start<' not in response.text
            response = self.client.post(START_URL, {"product": self.other_product.pk}, follow=True)
        assert "No OCOP rubric in force today" in response.text
        assert database_state() == before

    def test_malformed_or_unknown_products_are_404(self):
        self.login("member")
        for value in ("", "abc", "-1", str(10**30), "1.5"):
            with self.subTest(value=value):
                assert self.client.get(START_URL, {"product": value}).status_code == 404
                assert self.client.post(START_URL, {"product": value}).status_code == 404
        assert self.client.get(START_URL).status_code == 404


class FinishTests(CastTestCase):
    def test_member_confirms_and_finishes(self):
        self.login("member")
        response = self.client.get(url("finish", self.assessment))
        assert response.status_code == 200
        assert "30 criteria are not answered and score 0." in response.text
        response = self.client.post(url("finish", self.assessment), follow=True)
        assert response.redirect_chain == [(url("detail", self.assessment), 302)]
        assert "The self-assessment is finished." in response.text
        self.assessment.refresh_from_db()
        assert self.assessment.status == SelfAssessment.Status.FINISHED

    def test_finishing_twice_is_explained_and_changes_nothing(self):
        finish_self_assessment(self.assessment, actor=self.users["member"])
        self.login("member")
        before = database_state()
        response = self.client.get(url("finish", self.assessment))
        assert response["Location"] == url("detail", self.assessment)
        response = self.client.post(url("finish", self.assessment), follow=True)
        assert "finished and can no longer change" in response.text
        assert database_state() == before

    def test_officials_and_outsiders_get_404_and_nothing_changes(self):
        before = database_state()
        for role in (*OFFICIAL_READERS, *OUTSIDERS):
            with self.subTest(role=role):
                self.login(role)
                assert self.client.get(url("finish", self.assessment)).status_code == 404
                assert self.client.post(url("finish", self.assessment)).status_code == 404
        assert database_state() == before


class PrintTests(CastTestCase):
    def test_member_and_officials_in_scope_print_the_chosen_options_and_totals(self):
        for role in READERS:
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(url("print", self.assessment))
                assert response.status_code == 200
                text = response.text
                assert "BÁO CÁO TỰ ĐÁNH GIÁ VỀ SẢN PHẨM" in text
                assert "HTX Chè Shan tuyết" in text
                assert "Trà Shan tuyết cổ thụ" in text
                # The chosen option of 1.1, with its 3-star mark, and its points.
                assert "Sử dụng nguyên liệu có nguồn gốc trong tỉnh từ 50% đến dưới 75%" in text
                assert "2 / 3" in text
                assert '<strong id="sa-total">7</strong> / 100' in text
                assert "Total of part B" in text
                assert "Draft: not finished yet." in text
                assert 'type="radio"' not in text


class LanguageTests(CastTestCase):
    @override_settings(LANGUAGE_CODE="vi")
    def test_in_vietnamese_the_gap_report_needs_no_note(self):
        self.login("member")
        response = self.client.get(url("detail", self.assessment))
        assert "Để đạt 3 sao cần tối thiểu 50 điểm" in response.text
        assert "This advice is written in Vietnamese." not in response.text
        assert "11. Chè tươi, chè chế biến" in response.text


@override_settings(LANGUAGE_CODE="en")
class OtherProvinceTests(TestCase):
    def test_a_lai_chau_self_assessment_is_hidden_from_dien_bien(self):
        assessment = self_assessment(ProductFactory(producer__commune=commune(DOAN_KET)))
        self.client.force_login(province_officer("11"))
        for name in ("detail", "print"):
            assert self.client.get(url(name, assessment)).status_code == 404
        self.client.force_login(province_officer("12"))
        assert self.client.get(url("detail", assessment)).status_code == 200
