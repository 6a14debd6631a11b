"""One-archive backups and their restore (``manage.py backup`` / ``restore``, issue 16 §6).

An archive is a gzipped tar holding:

- ``database.sqlite3``: a consistent copy taken with SQLite's online backup API while the site
  runs; or ``database.dump``: ``pg_dump --format=custom`` of the PostgreSQL database;
- ``media/`` and ``private/``: ``MEDIA_ROOT`` and ``PRIVATE_MEDIA_ROOT``;
- ``manifest.json``: when and from what it was taken (engine, migrations, the audit chain's
  head) and the size and SHA-256 of every other member.

``restore`` checks every member against the manifest before it touches anything. It then puts
back the database and both folders: the folders it replaces are kept beside them, renamed
``*.before-restore-<time>``. It ends with ``verify_audit_chain`` and ``reconcile_stats``."""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "ocop-backup-1"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be taken, or an archive that cannot be restored."""


@dataclass
class Manifest:
    created_at: str
    engine: str
    migrations: dict
    audit_head: dict
    files: dict = field(default_factory=dict)  # member name → {"size", "sha256"}
    format: str = FORMAT

    def as_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode()


def _folders() -> dict[str, Path]:
    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_MEDIA_ROOT)}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else connection.vendor


def _pg_environment() -> tuple[list[str], dict]:
    """The connection options of pg_dump / pg_restore for Django's database."""
    db = connection.settings_dict
    options = ["--dbname", db["NAME"], "--no-password"]
    if db.get("HOST"):
        options += ["--host", db["HOST"]]
    if db.get("PORT"):
        options += ["--port", str(db["PORT"])]
    if db.get("USER"):
        options += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return options, env


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)."
        )
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _dump_database(target: Path) -> str:
    """Write the database to ``target``'s folder; returns the member's name."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        path = target / "database.sqlite3"
        copy = sqlite3.connect(path)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return path.name
    if connection.vendor == "postgresql":
        path = target / "database.dump"
        options, env = _pg_environment()
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(path), *options], env)
        return path.name
    raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def _audit_head() -> dict:
    from ocop.core.models import AuditChain, AuditCheckpoint

    chain = AuditChain.objects.filter(pk=1).first()
    newest = AuditCheckpoint.objects.order_by("-id").first()
    return {
        "last_event_id": chain.last_event_id if chain else 0,
        "last_hash": chain.last_hash if chain else "",
        "newest_checkpoint": newest.published() if newest else None,
    }


def create(destination: Path) -> tuple[Path, Manifest]:
    """Write a backup archive into the folder ``destination`` (or to that file name when it
    ends with ``.tar.gz``); returns its path and manifest."""
    now = timezone.now()
    if destination.name.endswith(".tar.gz"):
        archive = destination
    else:
        archive = destination / f"ocop-backup-{now:%Y%m%d-%H%M%S}.tar.gz"
    archive.parent.mkdir(parents=True, exist_ok=True)
    migrations = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name"):
        migrations[app] = max(migrations.get(app, ""), name)
    manifest = Manifest(now.isoformat(), _engine(), migrations, _audit_head())
    with tempfile.TemporaryDirectory(prefix="ocop-backup-") as work:
        database = _dump_database(Path(work))
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz", compresslevel=3) as tar:
            path = Path(work) / database
            manifest.files[database] = {"size": path.stat().st_size, "sha256": _sha256(path)}
            tar.add(path, arcname=database)
            for prefix, folder in _folders().items():
                for path in sorted(folder.rglob("*")) if folder.exists() else ():
                    if path.is_file() and not path.is_symlink():
                        name = f"{prefix}/{path.relative_to(folder).as_posix()}"
                        manifest.files[name] = {
                            "size": path.stat().st_size,
                            "sha256": _sha256(path),
                        }
                        tar.add(path, arcname=name)
            data = manifest.as_json()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(now.timestamp())
            tar.addfile(info, io.BytesIO(data))
        partial.rename(archive)
    return archive, manifest


def check(archive: Path, work: Path) -> Manifest:
    """Extract ``archive`` into ``work`` and check every member against the manifest: nothing
    missing, added, resized or changed, and no name that escapes the folder."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")
    except (OSError, tarfile.TarError, EOFError) as error:
        raise BackupError(f"{archive} is not a readable backup archive: {error}") from None
    try:
        data = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except (OSError, ValueError, TypeError) as error:
        raise BackupError(f"The archive's manifest is missing or unreadable: {error}") from None
    if manifest.format != FORMAT:
        raise BackupError(f"Unknown archive format {manifest.format!r}.")
    found = {path.relative_to(work).as_posix() for path in work.rglob("*") if path.is_file()}
    found.discard("manifest.json")
    problems = [f"missing: {name}" for name in sorted(set(manifest.files) - found)]
    problems += [f"not in the manifest: {name}" for name in sorted(found - set(manifest.files))]
    for name, expected in sorted(manifest.files.items()):
        path = work / name
        if name in found and (
            path.stat().st_size != expected["size"] or _sha256(path) != expected["sha256"]
        ):
            problems.append(f"changed: {name}")
    if problems:
        raise BackupError("The archive does not match its manifest: " + "; ".join(problems[:20]))
    if manifest.engine != _engine():
        raise BackupError(
            f"The archive holds a {manifest.engine} database; this site runs on {_engine()}."
        )
    return manifest


def _restore_database(work: Path, manifest: Manifest) -> None:
    if manifest.engine == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(work / "database.sqlite3")
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    connection.close()
    options, env = _pg_environment()
    _run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
         *options, str(work / "database.dump")],
        env,
    )  # fmt: skip


def _restore_folders(work: Path, stamp: str) -> list[Path]:
    """Put ``media/`` and ``private/`` in place; the folders replaced are kept beside them."""
    kept = []
    for prefix, folder in _folders().items():
        if folder.exists() and any(folder.iterdir()):
            aside = folder.with_name(f"{folder.name}.before-restore-{stamp}")
            folder.rename(aside)
            kept.append(aside)
        elif folder.exists():
            folder.rmdir()
        source = work / prefix
        if source.exists():
            shutil.copytree(source, folder)
        else:
            folder.mkdir(parents=True)
    return kept


def restore(archive: Path) -> tuple[Manifest, list[Path]]:
    """Check ``archive``, then restore its database and folders. Returns the manifest and the
    folders kept aside."""
    stamp = f"{datetime.datetime.now():%Y%m%d-%H%M%S}"
    with tempfile.TemporaryDirectory(prefix="ocop-restore-") as work:
        manifest = check(archive, Path(work))
        _restore_database(Path(work), manifest)
        kept = _restore_folders(Path(work), stamp)
    return manifest, kept
