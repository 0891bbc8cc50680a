"""Building models from values a parser already knows are valid, without validating them.

A feature script has thousands of elements; pydantic's `model_construct` still walks every
field and resolves defaults for each, which costs more than parsing the text. `trusted`
sets the instance state the way `model_construct` does, but takes every field at once.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
_new = object.__new__
# BaseModel's own slot descriptors: setting through them skips the attribute-name lookup
# that `object.__setattr__` does, which is most of an element's construction time.
_set_dict = vars(BaseModel)["__dict__"].__set__
_set_fields_set = vars(BaseModel)["__pydantic_fields_set__"].__set__
_set_extra = vars(BaseModel)["__pydantic_extra__"].__set__
_set_private = vars(BaseModel)["__pydantic_private__"].__set__
# One fields-set per class, shared by its trusted instances: every field is set, so the
# only change pydantic ever makes to it (adding a field's name on assignment) is a no-op.
_FIELDS_SET: dict[type[BaseModel], set[str]] = {}


def trusted(cls: type[M], values: dict[str, Any]) -> M:
    """An instance of `cls` holding `values`: every field of `cls`, in the model's order.

    The order matters because pydantic serializes in the order of the instance's state and
    JSON must not depend on how a model was built; callers write their dicts in field order
    (tests compare their output with validated models' JSON), so it is not checked here,
    on the parser's hottest path.
    """
    fields_set = _FIELDS_SET.get(cls)
    if fields_set is None:
        fields_set = _FIELDS_SET[cls] = set(cls.model_fields)
    instance = _new(cls)
    _set_dict(instance, values)
    _set_fields_set(instance, fields_set)
    _set_extra(instance, None)
    _set_private(instance, None)
    return instance
