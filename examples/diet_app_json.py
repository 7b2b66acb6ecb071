"""What a diet app does: send a JSON request, read a JSON plan back.

The same JSON works on the command line:
    mealplan plan --request request.json --format json > plan.json
Run: python examples/diet_app_json.py
"""

from __future__ import annotations

import json
import os

import mealplan

# The test suite sets MEALPLAN_EXAMPLES_FIRST_PLAN to take the first plan
# (mip_gap 1) under a generous limit, so it runs in seconds whatever the
# machine's load: every check below holds for any plan.
FIRST_PLAN = (
    {"mip_gap": 1, "time_limit": 120}
    if os.environ.get("MEALPLAN_EXAMPLES_FIRST_PLAN")
    else {}
)

request_json = json.dumps(
    {
        "schema_version": "1",
        "person": {"age": 52, "sex": "male", "weight_kg": 80, "height_cm": 178},
        "diet": "pescatarian",
        "allergies": ["peanuts"],
        "max_foods": 10,
        # Seconds the solver may take (default 10). A plan usually comes in
        # 1-3 s; a server shared by many users, or a busy machine, needs more.
        "time_limit": 60,
        **FIRST_PLAN,
    }
)

try:
    plan = mealplan.plan(request_json)
except mealplan.RequestError as exc:  # bad JSON fields: a list the app can show
    print(json.dumps({"error": str(exc), "errors": exc.errors}))
    raise
except mealplan.InfeasiblePlanError as exc:  # no plan: say why
    # The diagnosis is None only when it could not be computed itself.
    if exc.diagnosis is not None:
        print(exc.diagnosis.model_dump_json(indent=2))
    raise

response_json = plan.model_dump_json()
data = json.loads(response_json)
for item in data["days"][0]["items"]:
    print(f"{item['meal']:<10} {item['name']:<45} {item['grams']:>6.0f} g")

# The response round-trips exactly, and carries the contract version.
assert mealplan.MealPlan.model_validate_json(response_json) == plan
assert data["schema_version"] == mealplan.SCHEMA_VERSION
assert data["request"]["diet"] == "pescatarian"
assert all("peanut" not in i["food_id"] for i in data["days"][0]["items"])

# A typo in a field is an error with a machine-readable location, not ignored.
errors: list[dict[str, str]] = []
try:
    mealplan.parse_request({"person": {"age": 52, "sex": "male"}, "alergies": []})
except mealplan.RequestError as exc:
    print(exc)
    errors = exc.errors
assert errors == [
    {"loc": "alergies", "msg": "unknown field; check its spelling against the schema"}
]
