"""The home page is each user's work today, composed from the apps that own the work.

`dialogue` knows no higher app (DESIGN §2), so it does not ask `sessions` or `followups` for their
figures: each app that has something to show declares panels in its own `home.py` (found through
the app registry, like `demo.py` and `exports.py`), and the home view renders whichever panels
answer for the user, in their order. A panel function takes the request and today's date and
returns a Panel, or None when it has nothing for this user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.module_loading import autodiscover_modules


@dataclass
class Panel:
    """One block of the home page: its template (under templates/<app>/) and what it shows."""

    template: str
    order: int
    context: dict = field(default_factory=dict)


PanelFunction = Callable[..., "Panel | None"]
_PANELS: list[PanelFunction] = []
_discovered = False


def panel(function: PanelFunction) -> PanelFunction:
    """Declare a home panel (in an app's home.py)."""
    if function not in _PANELS:
        _PANELS.append(function)
    return function


def panels_for(request, today: date) -> list[Panel]:
    global _discovered
    if not _discovered:
        autodiscover_modules("home")
        _discovered = True
    shown = [p for function in _PANELS if (p := function(request, today)) is not None]
    return sorted(shown, key=lambda p: p.order)
