"""Signals the core app sends so that higher apps can react without the core importing them."""

from django.dispatch import Signal

# Sent after commit when calendar exceptions change; `days` lists the dates concerned.
# followups recomputes open due dates from it.
calendar_changed = Signal()
