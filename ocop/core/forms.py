"""Form helpers shared by the apps' views."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


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
