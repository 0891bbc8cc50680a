"""Building models from values a parser already knows are valid, without validating them.

A feature script has thousands of elements; pydantic's `model_construct` still walks every
field and resolves defaults for each, which costs more than parsing the text. `trusted`
sets the instance state the way `model_construct` does, but takes every field at once.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


@cache
def _fields(cls: type[BaseModel]) -> frozenset[str]:
    return frozenset(cls.model_fields)


def trusted(cls: type[M], values: dict[str, Any]) -> M:
    """An instance of `cls` holding `values`, which must name every field of `cls`."""
    if values.keys() != _fields(cls):
        missing = sorted(_fields(cls) ^ values.keys())
        raise TypeError(f"{cls.__name__}: fields given do not match the model ({missing})")
    instance = cls.__new__(cls)
    object.__setattr__(instance, "__dict__", values)
    object.__setattr__(instance, "__pydantic_fields_set__", set(values))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance
