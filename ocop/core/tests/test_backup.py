"""Backup and restore as commands (issue 16 §6): a real backup → wipe → restore → verify cycle,
on the database the suite runs on (CI runs it on SQLite and on PostgreSQL)."""

import datetime
import io
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from ocop.core.audit import record_event, verify_chain
from ocop.core.models import AuditEvent
from ocop.producers.models import Producer, ProducerDocument
from ocop.producers.tests.factories import MINIMAL_PDF, ProducerFactory
from ocop.regions.models import Commune


def _world():
    producer = ProducerFactory(name="HTX Chè Shan tuyết Tủa Chùa (mẫu)")
    document = ProducerDocument(
        producer=producer, kind="lab_test", issued_on=datetime.date(2026, 3, 1)
    )
    document.file.save("kiem-nghiem.pdf", ContentFile(MINIMAL_PDF), save=False)
    document.save()
    with transaction.atomic():
        for n in range(3):
            record_event(actor=None, action=f"backup.test.{n}", obj=producer)
    return producer, document


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_verify(tmp_path, settings, reference_data):
    producer, document = _world()
    communes, events = Commune.objects.count(), AuditEvent.objects.count()
    out = StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    [archive] = (tmp_path / "backups").glob("ocop-backup-*.tar.gz")
    assert "Backup written" in out.getvalue()
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert "manifest.json" in names
    assert f"private/{document.file.name}" in names

    # The disaster: every table emptied, the uploads gone.
    call_command("flush", interactive=False, verbosity=0)
    Path(document.file.path).unlink()
    assert not Producer.objects.exists()

    out = StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)
    assert Producer.objects.get(pk=producer.pk).name == producer.name
    assert Commune.objects.count() == communes
    assert AuditEvent.objects.count() == events
    restored = ProducerDocument.objects.get(pk=document.pk)
    with restored.file.open("rb") as file:
        assert file.read() == MINIMAL_PDF
    assert verify_chain() == []
    assert "Audit chain intact" in out.getvalue()
    assert "Summary tables match" in out.getvalue() or "repaired" in out.getvalue()
    kept = list(Path(settings.PRIVATE_MEDIA_ROOT).parent.glob("private.before-restore-*"))
    assert kept  # the folder that was replaced is kept beside it


@pytest.mark.django_db(transaction=True)
def test_a_changed_archive_is_refused_and_changes_nothing(tmp_path, reference_data):
    producer, _ = _world()
    archive = tmp_path / "copy.tar.gz"
    call_command("backup", str(archive), stdout=StringIO())
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("private/"):
                data = data.replace(b"/Count 1", b"/Count 9")
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    Producer.objects.filter(pk=producer.pk).update(name="Đổi sau bản sao")
    with pytest.raises(CommandError, match="changed: private/"):
        call_command("restore", str(tampered), "--yes", stdout=StringIO())
    assert Producer.objects.get(pk=producer.pk).name == "Đổi sau bản sao"
    with pytest.raises(CommandError, match="not a readable backup archive"):
        broken = tmp_path / "broken.tar.gz"
        broken.write_bytes(b"not an archive")
        call_command("restore", str(broken), "--yes", stdout=StringIO())
