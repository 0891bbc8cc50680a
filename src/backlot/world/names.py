"""Names the world writes: stable ids for files and valid USD prim names."""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_SLUG = 60


def _ascii(text: str) -> str:
    """Accents folded away ("ZOË" → "ZOE"); letters with no ASCII form dropped."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def slug(text: str) -> str:
    """A file-safe id for `text`: lower-case ASCII words joined by '-'.

    Names with no ASCII form ("КУХНЯ") or too long for a file name get a short hash of the
    whole text, so distinct names never share an id.
    """
    base = re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")
    if base and len(base) <= MAX_SLUG and _ascii(text) == text:
        return base
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{base[:MAX_SLUG].rstrip('-')}-{digest}" if base else digest


def prim_name(text: str) -> str:
    """`text` as a USD prim identifier: ASCII letters, digits and '_', not led by a digit."""
    name = re.sub(r"[^A-Za-z0-9]+", "_", _ascii(text)).strip("_") or "item"
    return f"_{name}" if name[0].isdigit() else name


def unique(name: str, taken: set[str]) -> str:
    """`name`, numbered (chair_2, chair_3…) until no sibling has it; then it is taken."""
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate
