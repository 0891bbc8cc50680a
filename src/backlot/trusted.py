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


_set = object.__setattr__


def trusted(cls: type[M], values: dict[str, Any]) -> M:
    """An instance of `cls` holding `values`, which must name every field of `cls`.

    The field check is the caller's promise, kept by tests (`check_fields`), not paid per
    instance.
    """
    instance = cls.__new__(cls)
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", set(values))
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


def check_fields(instance: BaseModel) -> None:
    """Raise if a trusted instance lacks a field of its model or has one too many."""
    given = instance.__dict__.keys()
    if given != _fields(type(instance)):
        wrong = sorted(_fields(type(instance)) ^ given)
        raise TypeError(f"{type(instance).__name__}: fields do not match the model ({wrong})")
