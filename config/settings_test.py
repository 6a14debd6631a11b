"""Settings for the test suite: the real settings with a throw-away key, plain HTTP, fast
password hashing and tasks run at once (one test drives the real db_worker)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("AUDIT_KEY", "test-audit-key-not-a-secret-" + "y" * 40)
os.environ.setdefault("HTTPS_ONLY", "false")
os.environ.setdefault("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
# Each public verification is flushed at once (tests that test the buffer raise this).
os.environ.setdefault("SCAN_FLUSH_VISITS", "1")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
