"""The user reads the product's words, never the names of the software it is built with."""

import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = re.compile(r"\b(holidays|pygal|django|celery|python|weasyprint|redis|htmx)\b", re.I)
# Template syntax ({% … %}, {{ … }}, {# … #}) and attribute names are code, not text shown.
CODE = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}|<[^>]*>", re.S)


def test_no_vietnamese_message_names_a_package():
    po = polib.pofile(str(ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    shown = [
        text
        for entry in po
        if not entry.obsolete
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        if PACKAGES.search(text)
    ]
    assert shown == []


def test_no_template_text_names_a_package():
    found = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = CODE.sub(" ", path.read_text(encoding="utf-8"))
        found += [(path.name, match) for match in PACKAGES.findall(text)]
    assert found == []
