"""Form helpers shared by the apps' views."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


class PlainSelect(forms.Select):
    """A select of flat choices written in Python rather than through the widget templates,
    which render each option with a template of its own: the public catalogue's filters have
    about 130 options, and the templates took most of the page's time at national scale. The
    HTML is the same as :class:`forms.Select`'s (attributes escaped by ``flatatt``, labels and
    values by ``format_html``)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html("<select{}>\n{}\n</select>", flatatt(attrs), options)


def add_service_error(form, error, fields=None):
    """Put a service's refusal on the form: a ValidationError on the field it names (a
    field-keyed error, or its ``code`` through ``fields``) when the form has that field, else
    on top; a PermissionDenied on top, with its message."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or _("You cannot do this."))
        return
    fields = fields or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    for item in error.error_list:
        name = fields.get(item.code)
        form.add_error(name if name in form.fields else None, item)
