"""Emoji in the text of official documents.

The documents are set in Liberation Serif (static/fonts), which has no emoji: WeasyPrint would
drop them, and the stored PDF would not say what was typed. Text that goes into a document is
refused with a message on its field instead. Vietnamese letters and the punctuation of official
writing (“ ” ‘ ’ – — … № §) are not emoji and stay accepted.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EMOJI_REFUSED = _("Do not use emoji in an official document: its font cannot print them.")

#: Blocks of pictographs (Unicode's emoji charts), and the characters that only make emoji.
EMOJI_RANGES = (
    (0x231A, 0x231B),  # ⌚ ⌛
    (0x23E9, 0x23F3),  # ⏩ … ⏳
    (0x23F8, 0x23FA),  # ⏸ ⏹ ⏺
    (0x2600, 0x27BF),  # miscellaneous symbols, dingbats (☀ ✅ ❤)
    (0x2B00, 0x2BFF),  # ⬆ ⭐ ⭕
    (0xFE0F, 0xFE0F),  # "show the character before as an emoji"
    (0x1F000, 0x1FAFF),  # cards, flags, pictographs, emoticons, transport, skin tones
    (0xE0020, 0xE007F),  # tag characters of subdivision flags
)


def is_emoji(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in EMOJI_RANGES)


def has_emoji(text: str) -> bool:
    return any(is_emoji(char) for char in text)


def refuse_emoji(value) -> None:
    """A field validator: the text may go into an official document."""
    if isinstance(value, str) and has_emoji(value):
        raise ValidationError(EMOJI_REFUSED, code="emoji")
