"""Signals the core app sends so that higher apps can react without the core importing them."""

from django.dispatch import Signal

# Sent after commit when calendar exceptions change; `days` lists the dates concerned.
# followups recomputes open due dates from it.
calendar_changed = Signal()
# Sent after commit when units moved to another parent (their paths changed). followups
# recounts the dashboard's cells, which add each record to the units above it.
units_moved = Signal()
# Sent inside the storing transaction when a worker has stored the newest issued version of a
# document (dialogue.document_cache.issue): `obj`, `kind`, `stored`. sessions mirrors the
# minutes' SHA-256 from it.
document_stored = Signal()
