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
_set = object.__setattr__


@cache
def _field_names(cls: type[BaseModel]) -> tuple[str, ...]:
    return tuple(cls.model_fields)


def trusted(cls: type[M], values: dict[str, Any]) -> M:
    """An instance of `cls` holding `values`, which must name every field of `cls`.

    The fields are stored in the model's order: pydantic serializes in the order of the
    instance's state, and JSON must not depend on how a model was built.
    """
    names = _field_names(cls)
    if tuple(values) != names:  # callers on hot paths pass them in order already
        state = {name: values[name] for name in names}
        if len(values) != len(names):
            raise TypeError(f"{cls.__name__}: unknown fields {sorted(set(values) - set(names))}")
        values = state
    instance = cls.__new__(cls)
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", set(names))
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance
