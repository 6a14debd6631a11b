"""The way a re-rating is evaluated (Decision 26/2026/QĐ-TTg, art. 6(3)(b) and 7(6)(c)-(g)):
the provincial office's check and report before the council, a site check where the scale of
production changed or the evidence is unclear, written opinions instead of a meeting, and a 5★
product's re-rating sent to the Ministry on the office's report.

The cast (``make_cast``): a producer of Xã Mường Ảng, its members and officials. Its tea holds a
certificate recorded from before the platform, valid until 31 December 2026 (re-rating window
4 July to 2 September 2026); the re-rating is filed, forwarded and accepted on 10 July."""

import datetime
import zoneinfo

import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from ocop.evaluations.models import CommuneReview, CouncilResult, Dossier, OfficeCheck, Round
from ocop.evaluations.services.central import send_five_star_re_rating
from ocop.evaluations.services.dossiers import submit_dossier
from ocop.evaluations.services.results import close_scoring
from ocop.evaluations.services.review import accept_dossier, record_office_check, review_dossier
from ocop.evaluations.services.rounds import assign_dossier_to_round
from ocop.evaluations.tests.factories import (
    answers_for_total,
    complete_review,
    database_state,
    draft_dossier,
    finished_self_assessment,
    make_cast,
    make_panel,
    score,
)
from ocop.regions.tests.factories import province

from .factories import historical_certificate

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
FILED = datetime.date(2026, 7, 10)
EXPIRES = datetime.date(2026, 12, 31)


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), VN), tick=False)


class ReRatingCast(TestCase):
    STAR = 3

    @classmethod
    def setUpTestData(cls):
        with at(FILED):
            cls.cast = make_cast()
            issuer = cls.cast.central_officer if cls.STAR == 5 else cls.cast.province_officer
            historical_certificate(
                issuer,
                cls.cast.product,
                star=cls.STAR,
                issued_on=datetime.date(2024, 1, 10),
                valid_until=EXPIRES,
            )
            finished_self_assessment(cls.cast, answers_for_total(92))
            dossier = draft_dossier(cls.cast, kind=Dossier.Kind.RE_RATING)
            dossier = submit_dossier(dossier, actor=cls.cast.member)
            review_dossier(
                dossier,
                actor=cls.cast.commune_officer,
                decision=CommuneReview.Decision.FORWARD,
                data=complete_review(),
            )
            cls.dossier = accept_dossier(dossier, actor=cls.cast.province_officer)

    def refused(self, call, code):
        before = database_state(), OfficeCheck.objects.count()
        with self.assertRaises(ValidationError) as raised:
            call()
        self.assertEqual((database_state(), OfficeCheck.objects.count()), before)
        exception = raised.exception
        errors = (
            [e for errors in exception.error_dict.values() for e in errors]
            if hasattr(exception, "error_dict")
            else exception.error_list
        )
        codes = {error.code for error in errors}
        self.assertIn(code, codes)
        return raised.exception

    def check(self, **kwargs):
        values = {"report": "Hồ sơ đầy đủ; sản lượng ổn định so với lần công nhận (mẫu)."}
        values.update(kwargs)
        with at(FILED):
            return record_office_check(self.dossier, actor=self.cast.province_officer, **values)


class OfficeCheckTests(ReRatingCast):
    def test_a_re_rating_waits_for_the_office_report_before_its_round(self):
        """Art. 7(6)(c): the office "lập báo cáo đánh giá về hồ sơ gửi Chủ tịch Hội đồng cấp
        tỉnh" before the council evaluates the re-rating: no round without it."""
        panel = make_panel(organiser=self.cast.province_officer, province=province("11"))
        with at(FILED):
            self.refused(
                lambda: assign_dossier_to_round(
                    self.dossier, panel.round, actor=self.cast.province_officer
                ),
                "no_office_check",
            )
        self.check()
        with at(FILED):
            assign_dossier_to_round(self.dossier, panel.round, actor=self.cast.province_officer)
        self.dossier.refresh_from_db()
        self.assertEqual(self.dossier.status, Dossier.Status.IN_ROUND)

    def test_a_site_check_is_recorded_with_its_day_and_findings(self):
        """Art. 7(6)(c): "kiểm tra thực tế tại cơ sở đối với những sản phẩm có thay đổi lớn về
        quy mô sản xuất hoặc hồ sơ minh chứng không rõ ràng": the reason, the day and what was
        found are all required once a site check is needed; refused, nothing is recorded."""
        with at(FILED):
            error = self.refused(
                lambda: record_office_check(
                    self.dossier,
                    actor=self.cast.province_officer,
                    report="Sản lượng tăng gấp ba (mẫu).",
                    site_check_reason=OfficeCheck.SiteCheckReason.SCALE_CHANGE,
                ),
                "no_visit_day",
            )
        self.assertEqual(set(error.message_dict), {"visited_on", "site_findings"})
        check = self.check(
            site_check_reason=OfficeCheck.SiteCheckReason.SCALE_CHANGE,
            visited_on=FILED,
            site_findings="Xưởng mới 400 m², dây chuyền sấy mới (mẫu).",
        )
        self.assertEqual(check.visited_on, FILED)

    def test_only_the_office_of_the_dossiers_province_checks_it(self):
        """Another province's office, the commune and the producer get 404 on the check page,
        and nothing changes."""
        url = reverse("evaluations:dossier_office_check", args=[self.dossier.pk])
        data = {"report": "x"}
        for user in (
            self.cast.other_province_officer,
            self.cast.commune_officer,
            self.cast.member,
        ):
            with self.subTest(user=user), at(FILED):
                self.client.force_login(user)
                before = database_state(), OfficeCheck.objects.count()
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.post(url, data).status_code, 404)
                self.assertEqual((database_state(), OfficeCheck.objects.count()), before)
        self.client.force_login(self.cast.province_officer)
        with at(FILED):
            response = self.client.post(url, {"report": "Báo cáo của Văn phòng (mẫu)."})
        self.assertRedirects(response, self.dossier.get_absolute_url())
        self.assertEqual(OfficeCheck.objects.filter(dossier=self.dossier).count(), 1)

    def test_a_three_star_re_rating_has_no_shortcut_to_the_ministry(self):
        """Art. 6(3)(b) is for the re-rating of a 5★ product only."""
        self.check()
        with at(FILED):
            self.refused(
                lambda: send_five_star_re_rating(self.dossier, actor=self.cast.province_officer),
                "not_five_star_re_rating",
            )


class FiveStarReRatingTests(ReRatingCast):
    STAR = 5

    def test_it_goes_to_the_ministry_on_the_office_report_and_its_45_days_start_again(self):
        """Art. 6(3)(b): the province sends "báo cáo đánh giá của cơ quan tham mưu quản lý OCOP
        cấp tỉnh" instead of a provincial council's; art. 7(6)(e): the central council decides;
        art. 7(6)(g): within 45 days of "nhận đủ hồ sơ đề nghị của ... UBND cấp tỉnh"."""
        with at(FILED):
            self.refused(
                lambda: send_five_star_re_rating(self.dossier, actor=self.cast.province_officer),
                "no_office_check",
            )
        self.check()
        sent_on = FILED + datetime.timedelta(days=2)
        with at(sent_on):
            dossier = send_five_star_re_rating(self.dossier, actor=self.cast.province_officer)
        self.assertEqual(dossier.status, Dossier.Status.SENT_CENTRAL)
        self.assertEqual(dossier.approved_for_central_on, sent_on)
        self.assertGreaterEqual(dossier.re_rating_due_on, sent_on + datetime.timedelta(days=45))

    def test_the_central_council_decides_it_on_written_opinions_unless_it_met(self):
        """Art. 7(6)(e): "Hội đồng cấp trung ương thực hiện đánh giá thông qua hình thức lấy ý
        kiến bằng văn bản; chỉ tổ chức họp trực tiếp khi có nhiều ý kiến đánh giá khác nhau hoặc
        có nội dung phức tạp cần thảo luận"."""
        self.check()
        central = make_panel(
            organiser=self.cast.central_officer, level=Round.Level.CENTRAL, number=1
        )
        with at(FILED):
            send_five_star_re_rating(self.dossier, actor=self.cast.province_officer)
            assign_dossier_to_round(self.dossier, central.round, actor=self.cast.central_officer)
            for user in central.scorers:
                score(self.dossier, user, answers_for_total(94))
            result = close_scoring(self.dossier, actor=central.chair)
        self.assertEqual(result.method, CouncilResult.Method.WRITTEN)
        self.assertEqual(result.outcome, CouncilResult.Outcome.FIVE_STAR)


class MeetingTests(ReRatingCast):
    def test_a_re_rating_council_that_met_says_so_and_a_first_rating_always_meets(self):
        """Art. 7(6)(d) for a re-rating (a meeting only when it was needed) and art. 7(3)(d)
        for any other dossier ("Hội đồng cấp tỉnh tổ chức họp")."""
        self.check()
        panel = make_panel(organiser=self.cast.province_officer, province=province("11"))
        with at(FILED):
            assign_dossier_to_round(self.dossier, panel.round, actor=self.cast.province_officer)
            for user in panel.scorers:
                score(self.dossier, user, answers_for_total(75))
            result = close_scoring(self.dossier, actor=panel.chair, held_meeting=True)
        self.assertEqual(result.method, CouncilResult.Method.MEETING)

        other = make_cast()
        with at(FILED):
            finished_self_assessment(other)
            first = submit_dossier(draft_dossier(other), actor=other.member)
            review_dossier(
                first,
                actor=other.commune_officer,
                decision=CommuneReview.Decision.FORWARD,
                data=complete_review(),
            )
            accept_dossier(first, actor=other.province_officer)
            assign_dossier_to_round(first, panel.round, actor=self.cast.province_officer)
            for user in panel.scorers:
                score(first, user, answers_for_total(75))
            result = close_scoring(first, actor=panel.chair)
        self.assertEqual(result.method, CouncilResult.Method.MEETING)
