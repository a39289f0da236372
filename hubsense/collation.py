"""Swedish alphabetical order, for lists of municipalities and hubs.

Why not ``sorted`` or the locale: code points put Å, Ä, Ö before other accented letters and
a server's locale is not known; Swedish puts å, ä, ö after z as letters of their own.
"""

from __future__ import annotations

import unicodedata

# Swedish collation: å, ä, ö are letters of their own after z (and æ, ø sort as ä, ö).
_AFTER_Z = {"å": "\ufff0", "ä": "\ufff1", "æ": "\ufff1", "ö": "\ufff2", "ø": "\ufff2"}


def swedish_key(text: str) -> str:
    """Sort key giving Swedish alphabetical order: ``… Strömsund, Åre, Östersund``."""
    out: list[str] = []
    for char in text.casefold():
        if char in _AFTER_Z:
            out.append(_AFTER_Z[char])
        else:  # é → e, ü → u: other accents do not make a letter of their own
            base = unicodedata.normalize("NFD", char)
            out.append("".join(c for c in base if not unicodedata.combining(c)))
    return "".join(out)
