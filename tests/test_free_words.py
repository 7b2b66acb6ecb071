"""An exclusion entry that names a need as a label is refused with the field to use.

"gluten-free" in ``exclude`` left out the two foods named "Gluten-free ..."
and planned whole-wheat tortillas; the word said the opposite of what it did.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mealplan
from mealplan import RequestError
from mealplan._catalog import load_foods
from mealplan._cli import main
from mealplan._free_words import label_need

NEEDS = {
    "gluten-free": ("free_from", ("gluten",)),
    "Lactose free": ("free_from", ("lactose",)),
    "dairy-free": ("allergies", ("milk",)),
    "non-dairy": ("allergies", ("milk",)),
    "egg-free": ("allergies", ("egg",)),
    "nut-free": ("allergies", ("tree_nuts", "peanuts")),
    "peanut free": ("allergies", ("peanuts",)),
    "free from soy": ("allergies", ("soy",)),
    "free of wheat": ("allergies", ("wheat",)),
    "meat-free": ("diet", ("vegetarian",)),
}


@pytest.mark.parametrize(("entry", "need"), NEEDS.items())
def test_a_need_said_as_a_label_is_read(
    entry: str, need: tuple[str, tuple[str, ...]]
) -> None:
    found = label_need(entry)
    assert found is not None
    assert (found[1].field, found[1].values) == need


@pytest.mark.parametrize(
    "entry", ["sugar-free", "fat free", "gluten", "cheese", "freekeh"]
)
def test_other_entries_keep_their_meaning(entry: str) -> None:
    assert label_need(entry) is None


@pytest.mark.parametrize("field", ["exclude", "dislikes"])
@pytest.mark.parametrize("entry", list(NEEDS))
def test_the_request_is_refused_with_the_field_to_use(field: str, entry: str) -> None:
    body = {"person": {"age": 35, "sex": "female"}, field: [entry]}
    with pytest.raises(RequestError) as caught:
        mealplan.plan(body, load_foods())
    field_name, values = NEEDS[entry]
    message = str(caught.value)
    assert field_name in message
    assert all(v in message for v in values), message
    assert caught.value.errors[0]["loc"] == field
    assert "\n" not in message


def test_a_like_keeps_the_literal_meaning() -> None:
    # Liking gluten-free bread is liking it: nothing to refuse.
    plan = mealplan.plan(
        {
            "person": {"age": 35, "sex": "female"},
            "likes": ["gluten-free"],
            "time_limit": 60,
        },
        load_foods(),
    )
    assert plan.days


def test_the_cli_exits_2_and_names_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["plan", "--age", "35", "--sex", "female", "--exclude", "gluten-free"])
        == 2
    )
    assert "--free-from gluten" in capsys.readouterr().err


@given(st.sampled_from(sorted(NEEDS)), st.sampled_from(["", " ", "  "]))
def test_spacing_and_case_do_not_matter(entry: str, pad: str) -> None:
    assert label_need(pad + entry.upper() + pad) is not None
