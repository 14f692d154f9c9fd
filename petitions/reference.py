"""The public reference of a petition (``DT-7K3MQ-9XAB2``): what a citizen uses to follow it.

Ten Crockford base-32 symbols drawn from `secrets` (50 bits): not the database id, not guessable
(at a million petitions a random guess hits one in about a billion tries, and the lookup is
rate-limited), and short enough to read out on the telephone. Crockford's alphabet has no I, L,
O or U, so `normalise` reads a reference typed with those look-alikes, in any case, with or
without the dashes.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "DT"
SYMBOLS = 10
LENGTH = len(PREFIX) + 2 + SYMBOLS  # "DT-XXXXX-XXXXX"
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})


def new_reference() -> str:
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(SYMBOLS))
    return f"{PREFIX}-{symbols[:5]}-{symbols[5:]}"


def normalise(text: str) -> str | None:
    """The canonical form of a typed reference, or None when it cannot be one.

    >>> normalise(" dt 7k3mq-9xab2 ")
    'DT-7K3MQ-9XAB2'
    >>> normalise("DT-7K3MQ-9XAB") is None
    True
    """
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    compact = compact.translate(_LOOKALIKES)
    if len(compact) != SYMBOLS or any(ch not in ALPHABET for ch in compact):
        return None
    return f"{PREFIX}-{compact[:5]}-{compact[5:]}"
