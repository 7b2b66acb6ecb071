// The page of `mealplan serve`: builds a PlanRequest from the form, calls the
// public /v1 routes, and shows the report that /ui/render returns (the same
// HTML as mealplan.render_html). No framework, no CDN: it works offline.
"use strict";

const $ = (id) => document.getElementById(id);
const SYNC_MAX_DAYS = 3; // longer plans go through POST /v1/jobs and polling
let currentPlan = null;
let renders = 0;

function numberOrNull(id) {
  const text = $(id).value.trim();
  return text === "" ? null : Number(text);
}

function buildRequest() {
  const person = { age: numberOrNull("age"), sex: $("sex").value };
  const stage = $("life-stage").value;
  if (stage.startsWith("pregnant")) {
    person.pregnancy = true;
    person.trimester = Number(stage.split("-")[1]);
  } else if (stage === "lactating") {
    person.lactation = true;
  }
  const weight = numberOrNull("weight");
  const height = numberOrNull("height");
  if (weight !== null) person.weight_kg = weight;
  if (height !== null) person.height_cm = height;
  const request = {
    person: person,
    diet: $("diet").value,
    allergies: Array.from(
      document.querySelectorAll('input[name="allergy"]:checked'),
      (box) => box.value,
    ),
    free_from: Array.from(
      document.querySelectorAll('input[name="free_from"]:checked'),
      (box) => box.value,
    ),
    exclude: $("exclude").value.split(",").map((w) => w.trim()).filter(Boolean),
    days: numberOrNull("days") || 1,
  };
  const budget = numberOrNull("budget");
  if (budget !== null) request.budget_per_day = budget;
  if ($("supplements").checked) request.supplements = true;
  if ($("no-added-salt").checked) request.added_salt = false;
  return request;
}

function setStatus(text) {
  $("status").textContent = text;
}

function showError(text, errors) {
  const box = $("error");
  box.textContent = text;
  if (errors && errors.length) {
    const list = document.createElement("ul");
    for (const e of errors) {
      const li = document.createElement("li");
      li.textContent = `${e.loc}: ${e.msg}`;
      list.appendChild(li);
    }
    box.appendChild(list);
  }
  box.hidden = false;
}

function clearError() {
  $("error").hidden = true;
  $("error").textContent = "";
}

async function call(method, url, body) {
  const options = { method: method, headers: { Accept: "application/json" } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(url, options);
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = { error: `The server answered ${response.status} without JSON.` };
  }
  return { status: response.status, data: data, headers: response.headers };
}

function problem(answer) {
  const d = answer.data || {};
  if (answer.status === 503) {
    const wait = answer.headers.get("Retry-After") || "a few";
    return [`The server is busy; try again in ${wait} s. ${d.error || ""}`, []];
  }
  return [d.error || `The server answered ${answer.status}.`, d.errors || []];
}

async function render(result) {
  const answer = await fetch("/ui/render", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(result),
  });
  const html = await answer.text();
  const target = $("result");
  target.innerHTML = html;
  target.dataset.kind = result.kind;
  renders += 1;
  target.dataset.renders = String(renders);
}

async function poll(location) {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const answer = await call("GET", location);
    if (answer.status !== 200) return answer;
    if (answer.data.state === "done") {
      return { status: 200, data: answer.data.result, headers: answer.headers };
    }
    if (answer.data.state === "failed") {
      return {
        status: answer.data.error_status || 500,
        data: answer.data.error,
        headers: answer.headers,
      };
    }
  }
}

async function planMeals(event) {
  event.preventDefault();
  clearError();
  const request = buildRequest();
  $("submit").disabled = true;
  setStatus("Planning…");
  try {
    let answer;
    if (request.days > SYNC_MAX_DAYS) {
      answer = await call("POST", "/v1/jobs", request);
      if (answer.status === 202) {
        setStatus(`Planning ${request.days} days (job ${answer.data.id})…`);
        answer = await poll(`/v1/jobs/${answer.data.id}`);
      }
    } else {
      answer = await call("POST", "/v1/plans", request);
    }
    if (answer.status === 200) {
      currentPlan = answer.data.kind === "plan" ? answer.data.plan : null;
      await render(answer.data);
      setStatus(answer.data.kind === "plan" ? "Done." : "No plan: see why below.");
    } else {
      const [text, errors] = problem(answer);
      showError(text, errors);
      setStatus("");
    }
  } catch (e) {
    showError(`Could not reach the server (${e.message}).`, []);
    setStatus("");
  } finally {
    $("submit").disabled = false;
  }
}

async function regenerate(button) {
  if (currentPlan === null) return;
  clearError();
  const body = { plan: currentPlan, day: Number(button.dataset.day) };
  if (button.dataset.meal) body.meal = button.dataset.meal;
  for (const b of document.querySelectorAll(".mp-regenerate")) b.disabled = true;
  setStatus("Finding another option…");
  try {
    const answer = await call("POST", "/v1/plans/regenerate", body);
    if (answer.status === 200 && answer.data.kind === "plan") {
      currentPlan = answer.data.plan;
      await render(answer.data);
      setStatus("Replaced.");
    } else if (answer.status === 200) {
      showError(answer.data.diagnosis.message, []);
      setStatus("");
    } else {
      const [text, errors] = problem(answer);
      showError(text, errors);
      setStatus("");
    }
  } catch (e) {
    showError(`Could not reach the server (${e.message}).`, []);
    setStatus("");
  } finally {
    for (const b of document.querySelectorAll(".mp-regenerate")) b.disabled = false;
  }
}

$("plan-form").addEventListener("submit", planMeals);
$("result").addEventListener("click", (event) => {
  const button = event.target.closest(".mp-regenerate");
  if (button) regenerate(button);
});
