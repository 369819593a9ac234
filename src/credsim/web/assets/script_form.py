"""form.js: shared helpers, the scenario picker and the run form generated from the scenario."""

from __future__ import annotations

__all__ = ["FORM_JS"]

FORM_JS = r"""
"use strict";
// Shared helpers (runs.js uses them through window.CS).
const CS = (window.CS = {});
CS.el = function (tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k in node && typeof v !== "string") node[k] = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
};
CS.fmt = function (v) {
  if (v === null || v === undefined) return "–";
  if (typeof v === "number") {
    if (Number.isInteger(v)) return v.toLocaleString("en-US");
    const a = Math.abs(v);
    if (a >= 1000) return v.toLocaleString("en-US", {maximumFractionDigits: 1});
    return Number(v.toPrecision(4)).toString();
  }
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
};
CS.api = async function (path, options) {
  const response = await fetch(path, options);
  let body = null;
  try { body = await response.json(); } catch (e) { body = null; }
  return {ok: response.ok, status: response.status, body: body};
};
CS.message = function (body) {
  if (!body) return "the server did not answer";
  if (typeof body.detail === "string") return body.detail;
  if (Array.isArray(body.detail)) return body.detail.map((d) => d.msg).join(" ");
  return JSON.stringify(body);
};

const MAIN = {
  "population.size": "Citizens (population.size)",
  "days": "Days",
  "seed": "Seed",
  "sources.errors": "Record errors (sources.errors)",
};
let fields = [];

function textOf(field) {
  if (field.kind === "list") return JSON.stringify(field.value);
  return String(field.value);
}

function inputFor(field, id) {
  const common = {id: id, "data-key": field.key, "data-kind": field.kind,
                  "data-default": textOf(field), "aria-describedby": "err-" + id};
  let input;
  if (field.kind === "bool") {
    input = CS.el("input", Object.assign({type: "checkbox"}, common));
    input.checked = field.value === true;
  } else {
    const numeric = field.kind === "int" || field.kind === "float";
    input = CS.el("input", Object.assign({type: "text", inputmode: numeric ? "decimal" : "text",
      spellcheck: "false"}, common));
    input.value = textOf(field);
  }
  input.addEventListener("input", () => markChanged(input));
  input.addEventListener("change", () => markChanged(input));
  return input;
}

function currentText(input) {
  return input.type === "checkbox" ? String(input.checked) : input.value.trim();
}

function markChanged(input) {
  input.classList.toggle("changed", currentText(input) !== input.dataset.default);
  clearError(input.dataset.key);
  const n = document.querySelectorAll("#run-form input.changed").length;
  document.getElementById("changed").textContent = n ? n + " changed" : "";
}

function fieldRow(field, label, extraClass) {
  const id = "f-" + field.key.replace(/[^A-Za-z0-9_-]/g, "_");
  const input = inputFor(field, id);
  const lab = CS.el("label", {for: id, text: label});
  const row = CS.el("div", {class: "field " + extraClass, "data-field": field.key},
    field.kind === "bool" ? CS.el("label", {for: id}, input, " ", label) : [lab, input],
    CS.el("span", {class: "error", id: "err-" + id, "data-error-for": field.key}),
    field.description ? CS.el("small", {class: "hint", text: field.description}) : null);
  return row;
}

function buildForm(scenario) {
  fields = scenario.fields;
  document.getElementById("scenario-description").textContent = scenario.description;
  const main = document.getElementById("main-fields");
  const groups = document.getElementById("param-groups");
  main.replaceChildren();
  groups.replaceChildren();
  const byGroup = new Map();
  for (const field of fields) {
    if (field.key in MAIN) { main.append(fieldRow(field, MAIN[field.key], "main")); continue; }
    if (!byGroup.has(field.group)) byGroup.set(field.group, []);
    byGroup.get(field.group).push(field);
  }
  let count = 0;
  for (const [group, list] of byGroup) {
    const body = list.map((f) => {
      const short = f.key.startsWith(group + ".") ? f.key.slice(group.length + 1) : f.key;
      return fieldRow(f, short, "param");
    });
    count += list.length;
    groups.append(CS.el("details", {class: "group", "data-group": group},
      CS.el("summary", {text: group + " (" + list.length + ")"}), body));
  }
  document.getElementById("param-count").textContent = count;
  document.getElementById("changed").textContent = "";
}

async function loadScenario(name) {
  const r = await CS.api("/api/scenarios/" + encodeURIComponent(name));
  if (!r.ok) { showError(null, CS.message(r.body)); return; }
  buildForm(r.body);
}

function clearError(key) {
  for (const span of document.querySelectorAll("[data-error-for]")) {
    if (key === undefined || span.dataset.errorFor === key) span.textContent = "";
  }
  for (const input of document.querySelectorAll("#run-form .invalid")) {
    if (key === undefined || input.dataset.key === key) input.classList.remove("invalid");
  }
  if (key === undefined) document.getElementById("form-error").textContent = "";
}

function showError(key, message) {
  const span = key ? document.querySelector(
    '#run-form [data-error-for="' + CSS.escape(key) + '"]') : null;
  if (!span) { document.getElementById("form-error").textContent = message; return; }
  // beside its field, the message need not repeat which --set it came from
  span.textContent = message.replace(/^--set [^:\s]+: /, "");
  const input = document.querySelector('#run-form [data-key="' + CSS.escape(key) + '"]');
  if (input) {
    input.classList.add("invalid");
    const group = input.closest("details.group");
    if (group) { group.open = true; document.getElementById("params").open = true; }
    input.focus();
  }
  span.scrollIntoView({block: "center"});
}

function request() {
  const body = {scenario: document.getElementById("scenario").value, set: {}, overrides: []};
  for (const input of document.querySelectorAll("#run-form input[data-key]")) {
    const text = currentText(input);
    if (text !== input.dataset.default) body.set[input.dataset.key] = text;
  }
  const lines = document.getElementById("overrides").value.split("\n");
  body.overrides = lines.map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  return body;
}

async function submit(event) {
  event.preventDefault();
  clearError();
  const button = document.getElementById("start");
  button.disabled = true;
  try {
    const r = await CS.api("/api/runs", {method: "POST",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify(request())});
    if (r.status === 422 && r.body && Array.isArray(r.body.detail)) {
      for (const d of r.body.detail) showError(d.field, d.msg);
    } else if (!r.ok) {
      showError(null, CS.message(r.body));
    } else if (window.CS.onRunStarted) {
      window.CS.onRunStarted(r.body);
    }
  } finally {
    button.disabled = false;
  }
}

function filterParams() {
  const q = document.getElementById("param-filter").value.trim().toLowerCase();
  for (const group of document.querySelectorAll("#param-groups details.group")) {
    let shown = 0;
    for (const row of group.querySelectorAll(".field")) {
      const hit = !q || row.dataset.field.toLowerCase().includes(q);
      row.hidden = !hit;
      if (hit) shown += 1;
    }
    group.hidden = shown === 0;
    group.open = Boolean(q) && shown > 0;
  }
}

async function init() {
  const select = document.getElementById("scenario");
  const r = await CS.api("/api/scenarios");
  if (!r.ok) { showError(null, CS.message(r.body)); return; }
  for (const s of r.body) select.append(CS.el("option", {value: s.name, text: s.name}));
  select.value = r.body.some((s) => s.name === "default") ? "default" : r.body[0].name;
  select.addEventListener("change", () => { clearError(); loadScenario(select.value); });
  document.getElementById("run-form").addEventListener("submit", submit);
  document.getElementById("reset").addEventListener("click", () => {
    clearError(); loadScenario(select.value);
  });
  document.getElementById("param-filter").addEventListener("input", filterParams);
  document.getElementById("overrides").addEventListener("input", () => clearError("overrides"));
  await loadScenario(select.value);
  document.body.dataset.ready = "form";
}

document.addEventListener("DOMContentLoaded", init);
"""
