from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible(path="ocop.core.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files that only permission-checked views may serve (the producers' evidence documents).

    They live in PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, and have no URL: never point a web
    server at that folder. The location follows the setting, also when a test overrides it."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a view that checks access.")

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)
