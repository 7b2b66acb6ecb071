"""The service's diagnosis words: request patches where the CLI says flags."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from mealplan._advice_http import for_http
from mealplan._diagnosis_models import Conflict, Suggestion
from mealplan._models import Diagnosis


def _diagnosis(flag: str, patch: dict[str, object]) -> Diagnosis:
    s = Suggestion(
        constraints=["include"],
        description="stop requiring 'honey' every day",
        field="include",
        flag=flag,
        patch=patch,
        size=1.0,
        verified=True,
    )
    conflict = Conflict(
        constraint="include",
        description="including 'honey' every day",
        relaxation=f"Stop requiring 'honey' every day; flag {flag}.",
    )
    return Diagnosis(
        message=f"No day meets these. The smallest change that gives a plan: "
        f"stop requiring 'honey' every day ({flag}).",
        conflicts=[conflict],
        minimal=True,
        suggestions=[s],
    )


def test_the_flag_becomes_the_patch() -> None:
    d = for_http(_diagnosis("--no-include", {"include": []}))
    assert d.message.endswith('(merge {"include": []} into the request).')
    assert d.conflicts[0].relaxation.endswith(
        '; merge {"include": []} into the request.'
    )
    assert d.suggestions[0].flag == "--no-include"  # the field is unchanged


@given(
    st.dictionaries(
        st.sampled_from(["budget_per_day", "diet", "include", "exclude"]),
        st.one_of(st.floats(0, 50), st.text(max_size=8), st.lists(st.text(max_size=5))),
        min_size=1,
    )
)
def test_every_patch_reads_back(patch: dict[str, object]) -> None:
    d = for_http(_diagnosis("--budget 6", patch))
    assert "--budget" not in d.message
    said = d.message.split("(merge ", 1)[1].rsplit(" into the request)", 1)[0]
    assert json.loads(said) == patch


def test_a_diagnosis_without_flags_is_unchanged() -> None:
    d = _diagnosis("", {"include": []})
    assert for_http(d) is d
