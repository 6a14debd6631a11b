from django.test import TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import UserFactory


class PublicPagesTests(TestCase):
    def test_landing_page_is_public_and_vietnamese_by_default(self):
        response = self.client.get(reverse("core:landing"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="vi">')
        self.assertContains(response, "Đăng nhập")

    def test_english_is_one_click_away(self):
        response = self.client.post(
            reverse("set_language"), {"language": "en", "next": "/"}, follow=True
        )
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Log in")

    def test_health_check_reports_ok(self):
        response = self.client.get(reverse("core:health"))
        self.assertEqual(response.json(), {"status": "ok"})

    def test_favicon_ico_leads_to_the_icon(self):
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response["Location"].endswith(".svg"))

    def test_unknown_address_gives_a_vietnamese_404_page(self):
        response = self.client.get("/khong-co-trang-nay/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Không tìm thấy trang", status_code=404)


class SecurityHeaderTests(TestCase):
    def test_pages_carry_a_nonce_based_csp_and_secure_headers(self):
        response = self.client.get(reverse("accounts:login"))
        csp = response.headers["Content-Security-Policy"]
        self.assertIn("default-src 'self'", csp)
        self.assertIn("'nonce-", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertEqual(response.headers["X-Frame-Options"], "DENY")
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response.headers["Referrer-Policy"], "same-origin")

    def test_every_script_tag_carries_the_nonce_of_its_response(self):
        response = self.client.get(reverse("accounts:login"))
        nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        html = response.content.decode()
        self.assertGreater(html.count("<script"), 0)
        self.assertEqual(html.count("<script"), html.count(f'nonce="{nonce}"'))

    def test_back_office_is_closed_to_anonymous_users(self):
        for name in ["accounts:home", "producers:producer_list", "products:product_list"]:
            with self.subTest(name=name):
                response = self.client.get(reverse(name))
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("accounts:login")))

    def test_admin_is_closed_to_staff_less_users(self):
        self.client.force_login(UserFactory())
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 302)


class NoAccessPageTests(TestCase):
    def test_a_role_without_the_right_sees_the_vietnamese_no_access_page(self):
        from ocop.producers.models import Producer
        from ocop.producers.tests.factories import producer_member

        member = producer_member()
        before = Producer.objects.count()
        self.client.force_login(member)
        response = self.client.post(reverse("producers:producer_create"), {"name": "HTX mới"})
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "Bạn không có quyền truy cập trang này", status_code=403)
        self.assertEqual(Producer.objects.count(), before)


class LanguageTests(TestCase):
    def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(self):
        response = self.client.get(reverse("core:landing"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, '<html lang="vi">')
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        response = self.client.get(reverse("core:landing"), HTTP_ACCEPT_LANGUAGE="vi")
        self.assertContains(response, '<html lang="en">')

    def test_an_unknown_language_cookie_falls_back_to_vietnamese(self):
        self.client.cookies["django_language"] = "fr"
        response = self.client.get(reverse("core:landing"))
        self.assertContains(response, '<html lang="vi">')
