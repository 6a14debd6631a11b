"""What the demo's test classes share."""

import shutil
import tempfile
from pathlib import Path

from django.test import override_settings


class FilesInTemporaryFolder:
    """Uploads go to one temporary folder for the whole class, ``setUpTestData`` included, and
    each test reads them there (the project's autouse fixture gives each test a folder of its
    own, which would not hold the sample certificates the class set-up wrote)."""

    @classmethod
    def setUpClass(cls):
        folder = Path(tempfile.mkdtemp(prefix="ocop-demo-test-"))
        cls.addClassCleanup(shutil.rmtree, folder, ignore_errors=True)
        cls.file_settings = {
            "MEDIA_ROOT": folder / "media",
            "PRIVATE_MEDIA_ROOT": folder / "private",
        }
        override = override_settings(**cls.file_settings)
        override.enable()
        cls.addClassCleanup(override.disable)
        super().setUpClass()

    def setUp(self):
        super().setUp()
        override = override_settings(**self.file_settings)
        override.enable()
        self.addCleanup(override.disable)
