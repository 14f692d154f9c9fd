"""The Vietnamese catalogue is complete, compiled, and covers every string in the code."""

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def translated(entries) -> dict[tuple[str | None, str], object]:
    out = {}
    for e in entries:
        if e.obsolete:
            continue
        value = e.msgstr_plural and tuple(sorted(e.msgstr_plural.items())) or e.msgstr
        out[(e.msgctxt, e.msgid)] = value
    return out


def test_catalogue_has_no_untranslated_or_fuzzy_entry():
    po = polib.pofile(str(PO))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_compiled_catalogue_matches_the_source():
    po = translated(polib.pofile(str(PO)))
    mo = translated(e for e in polib.mofile(str(MO)) if e.msgid)
    assert mo == po, "locale/vi/LC_MESSAGES/django.mo is stale: run `make messages`"


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    if not shutil.which("xgettext"):
        pytest.skip("GNU gettext is not installed")
    target = tmp_path / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(PO, target / "django.po")
    settings.LOCALE_PATHS = [str(tmp_path)]
    monkeypatch.chdir(ROOT)
    # makemessages also writes into ./locale when it exists; point it at the copy only.
    monkeypatch.setattr("os.path.isdir", _isdir_except_locale)
    call_command(
        "makemessages",
        locale=["vi"],
        # "locale": found while walking, ./locale would be written to (and rewrapped) as well.
        ignore_patterns=[".venv/*", "static/vendor/*", "var/*", "tests/*", "bench/*", "locale"],
        no_location=True,
        verbosity=0,
    )
    extracted = polib.pofile(str(target / "django.po"))
    missing = [e.msgid for e in extracted.untranslated_entries() if not e.obsolete]
    assert missing == [], "new strings are not translated: run `make messages` and translate"


_real_isdir = __import__("os").path.isdir


def _isdir_except_locale(path):
    return False if path == "locale" else _real_isdir(path)
