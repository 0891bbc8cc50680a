"""Language tags (BCP 47) as the editorial stages read them."""

from __future__ import annotations


def primary_subtag(language: str) -> str:
    """The language itself, without script or region: 'zh-Hans' → 'zh', 'fr_CA' → 'fr'."""
    return language.strip().replace("_", "-").split("-", 1)[0].lower()
