"""The base of the JSON-contract models, and the contract's limits.

:class:`_Model` (frozen, unknown fields rejected, text checked for valid
Unicode, JSON read strictly), the schema version, the disclaimer every output
carries, and the largest values and lengths a request or plan may hold
(documented in the README's "Limits" section). The models themselves are in
the ``_*_models`` modules; :mod:`mealplan._models` gathers them.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.config import ExtraValues
from pydantic_core import PydanticCustomError, ValidationError

from mealplan._strictjson import (
    MAX_REQUEST_BYTES,
    JSONInputError,
    find_lone_surrogate,
    load_json,
)

SCHEMA_VERSION: Literal["1"] = "1"
"""Version of the JSON contract; bumped on any incompatible change."""

DISCLAIMER = (
    "This plan is information, not medical advice. Muscle twitching that lasts "
    "more than two weeks, is severe, or comes with weakness, stiffness or numbness "
    "should be evaluated by a doctor."
)


# Limits of the JSON contract (documented in the README's "Limits" section):
# a request beyond them is a RequestError before anything is planned.
MAX_DAILY_AMOUNT = 1_000_000.0
"""Largest bound on a nutrient a day, in the nutrient's unit."""
MAX_BUDGET_PER_DAY = 1_000.0
"""Largest budget, US$ a day."""
MAX_GRAMS_PER_WEEK = 100_000.0
"""Largest ``max_grams_per_week`` of one food."""
MAX_MEALS = 8
"""Most meals a day."""
MAX_EXCLUDE = 200
"""Most ``exclude`` entries."""
MAX_INCLUDE = 50
"""Most ``include`` food ids."""
MAX_PINS = 100
"""Most pins (and, separately, most bans: :data:`MAX_BANS`)."""
MAX_BANS = 200
"""Most bans."""
MAX_BOUNDS = 100
"""Most nutrient bounds (overrides in a request, bounds in targets)."""
MAX_TEXT = 200
"""Longest food id, exclude word, meal or nutrient name, in characters."""
MAX_NOTE = 2_000
"""Longest free text (notes, sources, descriptions)."""
MAX_ITEMS_PER_DAY = 400
"""Most items in one day of a plan."""
MAX_NOTES = 200
"""Most notes on targets or a plan."""
MAX_LIKES = 200
"""Most ``likes`` entries (and, separately, most ``dislikes``)."""
MAX_PARTS = 20
"""Most parts of one meal structure (a meal holds at most 20 foods)."""
MAX_ROLES = 50
"""Most food roles one meal part names."""

Name = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
"""A food id, a word, a meal or nutrient name: 1-200 characters."""
Note = Annotated[str, Field(max_length=MAX_NOTE)]
"""Free text of at most 2,000 characters."""
NutrientName = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
]
"""A nutrient column name (snake_case, e.g. ``iron_mg``)."""


def _text_problem(value: Any) -> str | None:
    """Return the first string in ``value`` that is not valid Unicode, if any."""
    if isinstance(value, str):
        return value if find_lone_surrogate(value) else None
    if isinstance(value, list | tuple):
        for item in value:
            bad = _text_problem(item)
            if bad is not None:
                return bad
    if isinstance(value, dict):
        for key, item in value.items():
            bad = _text_problem(key)
            if bad is None:
                bad = _text_problem(item)
            if bad is not None:
                return bad
    return None


class _Model(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        use_enum_values=False,
        allow_inf_nan=False,
        defer_build=True,
    )
    _max_json_bytes: ClassVar[int] = MAX_REQUEST_BYTES

    @field_validator("*", mode="after")
    @classmethod
    def _valid_unicode(cls, value: Any) -> Any:
        # A lone surrogate would plan, then fail when the plan is written out.
        bad = _text_problem(value)
        if bad is not None:
            msg = (
                f"text {ascii(bad)[:40]} holds a lone surrogate, which is not valid "
                "Unicode; fix its encoding"
            )
            raise ValueError(msg)
        return value

    @classmethod
    def model_validate_json(
        cls,
        json_data: str | bytes | bytearray,
        *,
        strict: bool | None = None,
        extra: ExtraValues | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """Validate JSON text, read strictly first (see :mod:`mealplan._strictjson`).

        Duplicate keys, nesting deeper than 32 levels, text over the size
        limit and lone surrogates are a ``ValidationError`` like any other
        problem; then the object is validated as :meth:`model_validate` does.
        """
        try:
            data = load_json(json_data, max_bytes=cls._max_json_bytes)
        except JSONInputError as exc:
            # "value_error": the message already quotes the offending value.
            error = PydanticCustomError("value_error", str(exc))
            raise ValidationError.from_exception_data(
                cls.__name__,
                [
                    {
                        "type": error,
                        "loc": exc.loc,
                        "input": exc.loc[-1] if exc.loc else "",
                    }
                ],
            ) from None
        return cls.model_validate(
            data,
            strict=strict,
            extra=extra,
            context=context,
            by_alias=by_alias,
            by_name=by_name,
        )
