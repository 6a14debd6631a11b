"""File storages whose files follow the database: a file written inside a transaction that
rolls back is deleted (``RollbackSafeMixin``); ``manage.py find_orphan_files`` reports any file
that no row names (a crash between the two, a copy restored by hand)."""

import threading

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.signals import request_finished
from django.db import transaction
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property

_pending = threading.local()


def _written() -> set:
    if not hasattr(_pending, "files"):
        _pending.files = set()
    return _pending.files


class RollbackSafeMixin:
    """Remember each file saved inside a transaction until the transaction commits. Django
    drops the commit callbacks of a transaction (or savepoint) that rolls back, so the files
    still remembered once no transaction is open belong to rolled-back work: they are removed
    at the end of the request (``request_finished``), before the next file is saved, and by
    ``remove_rolled_back_files`` (tasks and commands)."""

    def _save(self, name, content):
        remove_rolled_back_files()
        name = super()._save(name, content)
        if transaction.get_connection().in_atomic_block:
            entry = (self, name)
            _written().add(entry)
            transaction.on_commit(lambda: _written().discard(entry))
        return name


def remove_rolled_back_files(**kwargs) -> int:
    """Delete the files whose transaction rolled back; how many. Does nothing while a
    transaction is open (its files may still commit)."""
    files = _written()
    if not files or transaction.get_connection().in_atomic_block:
        return 0
    removed = 0
    for storage, name in list(files):
        files.discard((storage, name))
        storage.delete(name)
        removed += 1
    return removed


request_finished.connect(remove_rolled_back_files, dispatch_uid="ocop-rolled-back-files")


@deconstructible(path="ocop.core.storage.MediaStorage")
class MediaStorage(RollbackSafeMixin, FileSystemStorage):
    """The public media (``MEDIA_ROOT``): product photos and their thumbnails."""


@deconstructible(path="ocop.core.storage.PrivateStorage")
class PrivateStorage(RollbackSafeMixin, FileSystemStorage):
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
