"""Reading the PDFs the app renders: their text (as pypdf extracts it) and embedded fonts."""

from __future__ import annotations

import io

import pypdf


def raw_pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def pages_text(pdf: bytes) -> list[str]:
    # Whitespace is collapsed: a long value may wrap onto the next line.
    return [" ".join(text.split()) for text in raw_pages_text(pdf)]


def pdf_text(pdf: bytes) -> str:
    return " ".join(pages_text(pdf))


def font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.get_object().values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names
