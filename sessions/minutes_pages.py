"""The minutes page in sections: a session can hold thousands of entries (a whole day of
speeches), so the page shows one section of them at a time, with a link to every section and a
jump to an entry by its number, and the first petitions with a link to all of them. The PDF
still holds everything (sessions.documents)."""

from __future__ import annotations

from dataclasses import dataclass

from sessions.models import DialogueSession, MinutesEntry

ENTRIES_PER_PAGE = 200
#: The page lists the first petitions and links to the petition list for the rest.
PETITIONS_SHOWN = 50


@dataclass(frozen=True)
class EntriesPage:
    entries: list[MinutesEntry]
    #: (first, last) entry number of every section, in order.
    sections: list[tuple[int, int]]
    #: The section shown.
    index: int
    total: int

    @property
    def first(self) -> int | None:
        return self.sections[self.index][0] if self.sections else None

    @property
    def last(self) -> int | None:
        return self.sections[self.index][1] if self.sections else None

    @property
    def is_paged(self) -> bool:
        return len(self.sections) > 1

    @property
    def previous_first(self) -> int | None:
        return self.sections[self.index - 1][0] if self.index > 0 else None

    @property
    def next_first(self) -> int | None:
        return self.sections[self.index + 1][0] if self.index + 1 < len(self.sections) else None

    @property
    def links(self) -> list[tuple[int, int, bool]]:
        """(first, last, is the one shown) of every section."""
        return [(first, last, i == self.index) for i, (first, last) in enumerate(self.sections)]


def entries_page(
    session: DialogueSession, *, entry: int | None = None, size: int = ENTRIES_PER_PAGE
) -> EntriesPage:
    """The section that holds entry number `entry` (the first without one, the last after the
    end): `size` entries in order. Two queries whatever the size of the minutes: the entry
    numbers, read from the (session, number) index to place the sections, and the section's
    entries by number range."""
    numbers = list(session.minutes_entries.order_by("seq").values_list("seq", flat=True))
    sections = [
        (numbers[start], numbers[min(start + size, len(numbers)) - 1])
        for start in range(0, len(numbers), size)
    ]
    if not sections:
        return EntriesPage(entries=[], sections=[], index=0, total=0)
    index = 0
    if entry is not None:
        index = next(
            (i for i, (_first, last) in enumerate(sections) if entry <= last), len(sections) - 1
        )
    first, last = sections[index]
    entries = list(
        session.minutes_entries.filter(seq__gte=first, seq__lte=last)
        .select_related("speaker")
        .order_by("seq")
    )
    return EntriesPage(entries=entries, sections=sections, index=index, total=len(numbers))
