# The same dd/mm/yyyy dates as Vietnamese; only the number separators differ.
from dialogue.formats.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
