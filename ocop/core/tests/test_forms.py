from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import SimpleTestCase
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from ocop.core.forms import PlainSelect, add_service_error


class NumberForm(forms.Form):
    number = forms.CharField(required=False)


class AddServiceErrorTests(SimpleTestCase):
    def form(self):
        form = NumberForm({"number": "1"})
        form.is_valid()
        return form

    def test_a_field_keyed_error_goes_on_its_field_others_on_top(self):
        form = self.form()
        add_service_error(form, ValidationError({"number": "Trùng số.", "other": "Khác."}))
        self.assertEqual(form.errors["number"], ["Trùng số."])
        self.assertEqual(form.non_field_errors(), ["Khác."])

    def test_a_code_is_mapped_to_a_field(self):
        form = self.form()
        add_service_error(form, ValidationError("Trùng.", code="dup"), {"dup": "number"})
        self.assertEqual(form.errors["number"], ["Trùng."])

    def test_a_refusal_goes_on_top_with_its_message(self):
        form = self.form()
        add_service_error(form, PermissionDenied("Không có quyền."))
        self.assertEqual(form.non_field_errors(), ["Không có quyền."])


class PlainSelectTests(SimpleTestCase):
    def test_it_writes_what_django_s_select_writes(self):
        """Labels and values are escaped (a lazy label too), safe text is kept, and the chosen
        option is selected: the same HTML, give or take whitespace, as the template-rendered
        select it replaces."""
        choices = [
            ("", gettext_lazy("Any province")),
            ("11", "Điện Biên <b>\"&'"),
            ('1"2', mark_safe("<i>safe</i>")),
        ]
        for value in ("", "11", '1"2', "none"):
            with self.subTest(value=value):
                ours = PlainSelect(choices=choices).render("p", value, {"id": "id_p"})
                django = forms.Select(choices=choices).render("p", value, {"id": "id_p"})
                self.assertHTMLEqual(ours, django)
