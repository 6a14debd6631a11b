"""The Vietnamese catalogue is complete: every message has a translation and none is fuzzy."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def _entries(text):
    """Yield (msgid, msgstr, flags) for each entry of a .po file (plural forms included)."""
    for block in text.split("\n\n"):
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        msgid = "".join(re.findall(r'^msgid "(.*)"$|^msgid_plural "(.*)"$', block, re.M)[0])
        strings = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        yield msgid, ["".join(parts) for parts in strings], flags


def test_every_message_is_translated_to_vietnamese():
    text = CATALOGUE.read_text(encoding="utf-8")
    missing, fuzzy = [], []
    for msgid, msgstrs, flags in _entries(text):
        if not msgid:
            continue  # the header entry
        if "fuzzy" in flags:
            fuzzy.append(msgid)
        if not msgstrs or any(not re.sub(r'["\n]', "", s) for s in msgstrs):
            missing.append(msgid)
    assert fuzzy == [], f"fuzzy translations: {fuzzy[:10]}"
    assert missing == [], f"{len(missing)} untranslated messages, e.g. {missing[:10]}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_compiled_catalogue_matches_the_source(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(CATALOGUE)], check=True)
    committed = CATALOGUE.with_suffix(".mo")
    assert committed.read_bytes() == compiled.read_bytes(), "run `make messages` and commit"
