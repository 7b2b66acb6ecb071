"""The food table's record models: a food, its portions, its article mentions.

Apart from :mod:`mealplan._catalog` so that loading the table imports no
pydantic; :mod:`mealplan._catalog` re-exports them on first use.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Food", "Mention", "Portion"]


class Portion(BaseModel):
    """A household portion of a food (SR28 WEIGHT row)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    seq: int
    amount: float
    description: str
    grams: float
    is_default: bool


class Mention(BaseModel):
    """A phrase of the article that names (or stands for) a food."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    mention_id: str
    section: str
    words: str
    kind: str
    note: str = ""


class Food(BaseModel):
    """One food of the table, with its portions and article mentions."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: str
    name: str
    ndb_no: str | None
    food_group: str | None
    category: str | None
    nutrients: dict[str, float | None]
    vegan: bool
    vegetarian: bool
    pescatarian: bool
    allergens: tuple[str, ...]
    fortified: tuple[str, ...]
    meal_slots: tuple[str, ...]
    article_sections: tuple[str, ...]
    max_portions: float | None
    price_per_100g: float | None
    price_year: str | None
    price_source: str | None
    sr28_description: str | None
    provenance: str | None
    portions: tuple[Portion, ...]
    mentions: tuple[Mention, ...]
    fndds_code: str | None = None
    base: str | None = None
    roles: tuple[str, ...] = ()
    whole_units: bool = False
    vitamin_d_form: str | None = None
    """``"D2"`` or ``"D3"`` where the table's data shows the form, else None."""
