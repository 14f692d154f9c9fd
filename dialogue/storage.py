"""Keeping issued documents exactly as issued (DESIGN §6): store once, serve the stored bytes."""

from __future__ import annotations

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Max

from dialogue.models import RenderedDocument, StoredDocument


def _of(obj: models.Model, kind: str):
    return StoredDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        kind=kind,
    )


def last_version(obj: models.Model, kind: str) -> int:
    return _of(obj, kind).aggregate(last=Max("version"))["last"] or 0


def next_version(obj: models.Model, kind: str) -> int:
    """The number the next version of `obj`'s `kind` document takes: after the stored ones and
    the ones reserved by an issued version still waiting for its worker
    (dialogue.document_cache.issue), so nothing stored meanwhile takes a reserved number."""
    reserved = (
        RenderedDocument.objects.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=str(obj.pk),
            kind=kind,
            stored_version__isnull=False,
        ).aggregate(last=Max("stored_version"))["last"]
        or 0
    )
    return max(last_version(obj, kind), reserved) + 1


def document_store(
    *,
    obj: models.Model,
    kind: str,
    content: bytes,
    filename: str,
    actor=None,
    reason: str = "",
    version: int | None = None,
) -> StoredDocument:
    """Add the next version of `obj`'s `kind` document (:func:`next_version`; call inside the
    issuing transaction, `obj` locked), or the `version` numbered when it was issued
    (dialogue.document_cache.issue: a worker stores it later, maybe after a later version)."""
    return StoredDocument.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        kind=kind,
        version=version or next_version(obj, kind),
        filename=filename,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )


def latest(obj: models.Model, kind: str) -> StoredDocument | None:
    return _of(obj, kind).order_by("-version").first()


def versions(obj: models.Model, kind: str):
    """The versions without their bytes, newest first (for listing on a page)."""
    return _of(obj, kind).order_by("-version").defer("content")
