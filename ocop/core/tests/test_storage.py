"""Files follow the database (issue 16 §5): a file written by a transaction that rolls back is
removed, and `find_orphan_files` reports files that no row names."""

import datetime
import os
import time
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import IntegrityError, transaction

from ocop.core.storage import PrivateStorage, remove_rolled_back_files
from ocop.producers.models import ProducerDocument
from ocop.producers.tests.factories import MINIMAL_PDF, ProducerFactory


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_file_written_by_a_transaction_that_rolls_back_is_removed():
    storage = PrivateStorage()
    with pytest.raises(Boom), transaction.atomic():
        name = storage.save("documents/scan.pdf", ContentFile(MINIMAL_PDF))
        assert storage.exists(name)
        raise Boom
    request_finished.send(sender=None)
    assert not storage.exists(name)


@pytest.mark.django_db(transaction=True)
def test_a_file_of_a_rolled_back_savepoint_goes_and_a_committed_one_stays():
    storage = PrivateStorage()
    with transaction.atomic():
        kept = storage.save("documents/kept.pdf", ContentFile(MINIMAL_PDF))
        with pytest.raises(Boom), transaction.atomic():
            lost = storage.save("documents/lost.pdf", ContentFile(MINIMAL_PDF))
            raise Boom
        assert remove_rolled_back_files() == 0  # the outer transaction is still open
    assert remove_rolled_back_files() == 1
    assert storage.exists(kept)
    assert not storage.exists(lost)


@pytest.mark.django_db(transaction=True)
def test_an_upload_whose_row_fails_leaves_no_file():
    """The attack: a document saved, then its row refused by the database."""
    producer = ProducerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        document = ProducerDocument(producer=producer, kind="lab_test")
        document.file.save("scan.pdf", ContentFile(MINIMAL_PDF), save=False)
        path = document.file.path
        document.save()  # issued_on is required: the row is refused
    request_finished.send(sender=None)
    assert not os.path.exists(path)


@pytest.mark.django_db
def test_orphan_files_are_reported_and_removed_on_request(settings):
    producer = ProducerFactory()
    document = ProducerDocument(
        producer=producer, kind="lab_test", issued_on=datetime.date(2026, 1, 5)
    )
    document.file.save("kept.pdf", ContentFile(MINIMAL_PDF), save=False)
    document.save()
    storage = PrivateStorage()
    orphan = storage.save("documents/orphan.pdf", ContentFile(MINIMAL_PDF))
    fresh = storage.save("documents/fresh.pdf", ContentFile(MINIMAL_PDF))
    old = time.time() - datetime.timedelta(hours=2).total_seconds()
    for name in (orphan, document.file.name):
        os.utime(storage.path(name), (old, old))

    out = StringIO()
    call_command("find_orphan_files", stdout=out)
    assert storage.path(orphan) in out.getvalue()
    assert storage.path(fresh) not in out.getvalue()  # may still commit
    assert storage.path(document.file.name) not in out.getvalue()
    assert "1 orphan file(s) found." in out.getvalue()

    call_command("find_orphan_files", "--delete", stdout=StringIO())
    assert not storage.exists(orphan)
    assert storage.exists(document.file.name)
