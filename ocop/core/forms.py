"""Form helpers shared by the apps' views."""

import functools
import html

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

#: Django 6.1 labels a select's blank choice with this text (``BLANK_CHOICE_LABEL``) and has no
#: Vietnamese for it yet; named here so that our catalogue carries the translation.
BLANK_CHOICE_LABEL = gettext_noop("- Select an option -")


class PlainSelect(forms.Select):
    """A select of flat choices written in Python rather than through the widget templates,
    which render each option with a template of its own: the public catalogue's filters have
    about 130 options, and the templates took most of the page's time at national scale. The
    HTML is the same as :class:`forms.Select`'s (attributes escaped by ``flatatt``, labels and
    values by :func:`_escape`, as ``conditional_escape`` does)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = "\n".join(
            f'<option value="{_escape(key)}"{" selected" if str(key) in chosen else ""}>'
            f"{_escape(label)}</option>"
            for key, label in self.choices
        )
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        # every value and label in options is escaped above
        return format_html("<select{}>\n{}\n</select>", flatatt(attrs), mark_safe(options))


def _escape(value) -> str:
    """``conditional_escape`` without its lazy-string wrapper, which cost more than the
    escaping on a select of 130 options: safe text as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


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


@functools.lru_cache(maxsize=32)
def _blank_fields(template_name: str, form_class, language: str) -> str:
    return render_to_string(template_name, {"form": form_class()})


def blank_form_fields(template_name: str, form_class) -> str:
    """``template_name`` rendered with an empty ``form_class()``, once per language and
    process: a public form that every visitor gets empty (no data, no request: the CSRF token
    and CSP nonces stay outside, in the page) costs a third of a cached page's time otherwise.
    Under DEBUG it is rendered each time, as templates may change while the server runs."""
    if settings.DEBUG:
        return mark_safe(render_to_string(template_name, {"form": form_class()}))
    return mark_safe(_blank_fields(template_name, form_class, get_language()))
