"""How each breakdown category looks: its label and colour, from data/categories.toml."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files

from pydantic import BaseModel, ConfigDict, Field

from backlot.breakdown.models import Category


class CategoryStyle(BaseModel):
    """A category's label on a breakdown sheet and its colour-code colour."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    colour: str = Field(pattern=r"^#[0-9a-f]{6}$", description="Lower-case #rrggbb.")


@cache
def category_styles() -> dict[Category, CategoryStyle]:
    """The packaged style of every category, in the enum's (breakdown-sheet) order.

    Raises ValueError when the data file misses a category or names one the enum lacks, so a
    renamed category cannot silently lose its colour.
    """
    data = tomllib.loads(
        files("backlot.breakdown").joinpath("data/categories.toml").read_text(encoding="utf-8")
    )
    missing = [c.value for c in Category if c.value not in data]
    unknown = sorted(set(data) - {c.value for c in Category})
    if missing or unknown:
        raise ValueError(
            f"categories.toml: missing categories {missing}, unknown categories {unknown}"
        )
    return {c: CategoryStyle.model_validate(data[c.value]) for c in Category}
