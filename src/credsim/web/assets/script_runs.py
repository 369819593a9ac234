"""runs.js: the runs table with live progress, a run's results and report, dossier lookup and
the comparison of two runs."""

from __future__ import annotations

__all__ = ["RUNS_JS"]

RUNS_JS = r"""
"use strict";
const el = window.CS.el, fmt = window.CS.fmt, api = window.CS.api;
const HEADLINES = [
  ["citizens", "Citizens (people)"], ["days", "Days"], ["acts_total", "Acts"],
  ["records_total", "Records"], ["records_misattributed", "Records misattributed"],
  ["records_fabricated", "Records fabricated"], ["listed_total", "Listed during the run"],
  ["sanctioned", "Sanctioned at the end"], ["sanctioned_wrongful", "of whom wrongfully (but-for)"],
  ["sanctioned_touched_by_wrong_record", "of whom touched by a wrong record"],
  ["blocked_flights", "Flight purchases refused"], ["blocked_trains", "Train purchases refused"],
  ["score_mean", "Mean score"], ["score_gini", "Score Gini"],
  ["speech_suppressed", "Posts held back"],
];
let runs = [];
let selected = null;
let selectedStatus = null;
let pollTimer = null;

function progressCell(run) {
  const bar = el("progress", {max: 1, value: run.status === "done" ? 1 : run.progress});
  return el("td", {}, bar, " ", el("span", {class: "phase", text: run.phase}));
}

function renderRuns() {
  const body = document.querySelector("#runs tbody");
  body.replaceChildren(...runs.map((run) => {
    const cancel = run.status === "queued" || run.status === "running"
      ? el("button", {type: "button", class: "cancel", text: "Cancel",
          onclick: (e) => { e.stopPropagation(); cancelRun(run.id); }}) : null;
    return el("tr", {"data-run-id": run.id, "data-status": run.status,
        class: run.id === selected ? "selected" : null, onclick: () => selectRun(run.id)},
      el("td", {}, el("code", {text: run.id})),
      el("td", {text: run.scenario}),
      el("td", {class: "status-" + run.status, text: run.status}),
      progressCell(run),
      el("td", {class: "n", text: fmt(run.elapsed_seconds)}),
      el("td", {}, cancel));
  }));
  document.getElementById("no-runs").hidden = runs.length > 0;
  const waiting = runs.filter((r) => r.status === "queued").length;
  const running = runs.filter((r) => r.status === "running").length;
  document.getElementById("queue").textContent = running || waiting
    ? running + " running, " + waiting + " waiting for a worker" : "";
  fillCompare();
}

async function refreshRuns() {
  const r = await api("/api/runs");
  if (r.ok) {
    runs = r.body;
    renderRuns();
    const mine = runs.find((x) => x.id === selected);
    if (mine) await updateDetail(mine);
  }
  const busy = runs.some((x) => x.status === "queued" || x.status === "running");
  clearTimeout(pollTimer);
  pollTimer = setTimeout(refreshRuns, busy ? 400 : 3000);
}

async function cancelRun(id) {
  await api("/api/runs/" + encodeURIComponent(id), {method: "DELETE"});
  refreshRuns();
}

function selectRun(id) {
  selected = id;
  selectedStatus = null;
  document.getElementById("run-detail").hidden = false;
  document.getElementById("detail-id").textContent = id;
  document.getElementById("dossier").replaceChildren();
  document.getElementById("dossier-error").textContent = "";
  renderRuns();
  const run = runs.find((x) => x.id === id);
  if (run) updateDetail(run);
}

async function updateDetail(run) {
  const bar = document.getElementById("detail-progress");
  bar.value = run.status === "done" ? 1 : run.progress;
  const phase = run.status === "running" || run.status === "queued"
    ? run.status + ": " + run.phase : run.status;
  document.getElementById("detail-phase").textContent = phase;
  const detail = document.getElementById("run-detail");
  detail.dataset.status = run.status;
  const err = document.getElementById("detail-error");
  err.hidden = !run.error;
  err.textContent = run.error || "";
  if (run.status === selectedStatus) return;
  selectedStatus = run.status;
  const results = document.getElementById("detail-results");
  results.hidden = run.status !== "done";
  if (run.status !== "done") return;
  const r = await api("/api/runs/" + encodeURIComponent(run.id));
  if (!r.ok || selected !== run.id) return;
  showResults(r.body);
}

function showResults(run) {
  const s = run.summary;
  const rows = HEADLINES.filter(([k]) => k in s).map(([k, label]) =>
    el("tr", {}, el("th", {text: label}), el("td", {class: "n", text: fmt(s[k])})));
  rows.push(el("tr", {}, el("th", {text: "Wall time (s)"}),
    el("td", {class: "n", text: fmt(run.run_info.wall_seconds)})));
  document.getElementById("headline").replaceChildren(el("tbody", {}, rows));
  const base = "/api/runs/" + encodeURIComponent(run.id) + "/files/";
  const files = run.files.filter((f) => !f.includes("/"));
  document.getElementById("files").replaceChildren("Files: ",
    ...files.map((f) => el("a", {href: base + f, target: "_blank", rel: "noopener", text: f})));
  const frame = document.getElementById("report");
  const link = document.getElementById("report-link");
  frame.hidden = link.hidden = !run.report;
  if (run.report) { frame.src = run.report; link.href = run.report; }
  const policy = document.getElementById("dossier-policy");
  const policies = Object.keys(s.policies || {});
  policy.replaceChildren(...policies.map((p) => el("option", {value: p, text: p})));
  if (s.primary_policy) policy.value = s.primary_policy;
  document.getElementById("run-detail").dataset.results = run.id;
}

function table(columns, rows, classFor) {
  const head = el("thead", {}, el("tr", {}, columns.map((c) => el("th", {text: c}))));
  const body = el("tbody", {}, rows.map((row) => el("tr", {}, columns.map((c) =>
    el("td", {text: fmt(row[c]), class: classFor ? classFor(c, row[c]) : null})))));
  return el("table", {}, head, body);
}

const TABLE_TITLES = {
  acts: "What they did (acts)",
  records: "Records attributed to them",
  records_of_own_acts: "Their acts recorded against someone else",
  score_changes: "Score changes",
  sanctions: "Sanctions",
};

function truthOf(record) {
  // A fabricated record has no true actor: null (older runs: -1).
  if (record.true_actor === null || record.true_actor < 0) return "fabricated";
  return record.true_actor === record.attributed_to ? "true" : "misattributed";
}

function truthClass(column, value) {
  return column === "truth" ? "truth-" + value : null;
}

function showDossier(d) {
  const out = [];
  const st = d.statement;
  if (st) {
    const grade = st.grade ? ", grade " + st.grade : "";
    const listed = st.listed ? "; on the blacklist" : "; not listed";
    out.push(el("p", {class: "dossier-head"}, el("strong", {text: "Citizen " + d.citizen}),
      " under " + st.policy + ": base " + fmt(st.base) + ", final " + fmt(st.final) + grade
      + listed));
    const cols = ["day", "source", "kind", "points", "score", "truth"];
    out.push(el("h4", {text: "Itemised statement (" + st.items.length + " items)"}));
    out.push(st.items.length
      ? el("div", {class: "dossier-table", "data-table": "statement"},
        table(cols, st.items, truthClass))
      : el("p", {class: "hint", text: "No record moved this score."}));
  } else {
    out.push(el("p", {}, el("strong", {text: "Citizen " + d.citizen}),
      " — " + (d.statement_error || "no statement")));
  }
  const file = d.secret_file;
  if (file) {
    const n = file.counts;
    out.push(el("h4", {text: "The state's file: " + fmt(n.records) + " records, " + fmt(n.unseen)
      + " the citizen cannot see or contest"}));
    const rows = file.records.map((r) => Object.assign({}, r,
      {policies: r.policies.join(", "), lists: r.lists.join(", ")}));
    out.push(el("details", {"data-table": "secret-file"},
      el("summary", {text: "told " + fmt(n.told) + ", effect only " + fmt(n.effect_only)
        + ", never told " + fmt(n.hidden)}),
      el("div", {class: "dossier-table scroll"}, table(
        ["day", "source", "kind", "told", "policies", "lists", "truth"], rows, truthClass))));
  }
  if (d.traits) {
    const keys = Object.keys(d.traits).filter((k) => !k.startsWith("base.")
      && !k.startsWith("score."));
    out.push(el("details", {}, el("summary", {text: "Traits and final state"}),
      table(["key", "value"], keys.map((k) => ({key: k, value: d.traits[k]})))));
  }
  for (const [name, t] of Object.entries(d.tables)) {
    const more = t.truncated ? " (first " + t.rows.length + " shown)" : "";
    const title = (TABLE_TITLES[name] || name) + ": " + fmt(t.total) + more;
    const withTruth = t.columns.includes("true_actor");
    const columns = withTruth ? t.columns.concat(["truth"]) : t.columns;
    const rows = withTruth ? t.rows.map((r) => Object.assign({truth: truthOf(r)}, r)) : t.rows;
    out.push(el("details", {"data-table": name, open: t.total > 0 && t.total <= 50},
      el("summary", {text: title}),
      el("div", {class: "dossier-table scroll"}, table(columns, rows, truthClass))));
  }
  document.getElementById("dossier").replaceChildren(...out);
}

async function lookup(event) {
  event.preventDefault();
  const input = document.getElementById("citizen");
  const error = document.getElementById("dossier-error");
  error.textContent = "";
  input.classList.remove("invalid");
  const text = input.value.trim();
  if (!/^\d+$/.test(text)) {
    error.textContent = "citizen: a whole number from 0";
    input.classList.add("invalid");
    return;
  }
  const policy = document.getElementById("dossier-policy").value;
  const q = policy ? "?policy=" + encodeURIComponent(policy) : "";
  const r = await api("/api/runs/" + encodeURIComponent(selected) + "/dossier/" + text + q);
  if (!r.ok) {
    error.textContent = CS.message(r.body);
    input.classList.add("invalid");
    document.getElementById("dossier").replaceChildren();
    return;
  }
  showDossier(r.body);
}

function fillCompare() {
  const done = runs.filter((r) => r.status === "done");
  for (const [id, pick] of [["compare-a", 1], ["compare-b", 0]]) {
    const select = document.getElementById(id);
    const before = select.value;
    select.replaceChildren(...done.map((r) => {
      const changes = r.overrides.join(", ");
      const short = changes.length > 60 ? changes.slice(0, 59) + "…" : changes;
      return el("option", {value: r.id, title: changes,
        text: r.id + (short ? " (" + short + ")" : "")});
    }));
    if (done.some((r) => r.id === before)) select.value = before;
    else if (done.length > pick) select.value = done[pick].id;
  }
  document.getElementById("compare-button").disabled = done.length < 2;
}

async function compare(event) {
  event.preventDefault();
  const a = document.getElementById("compare-a").value;
  const b = document.getElementById("compare-b").value;
  const error = document.getElementById("compare-error");
  error.textContent = "";
  const r = await api("/api/compare?a=" + encodeURIComponent(a) + "&b=" + encodeURIComponent(b));
  if (!r.ok) { error.textContent = CS.message(r.body); return; }
  const figures = r.body.figures.filter((f) => typeof f.a !== "object" || f.a === null);
  // Runs of different sizes are compared as rates (the server says which unit each figure has).
  const scaled = r.body.scaled;
  const rows = figures.map((f) => ({figure: f.figure, A: f.a, B: f.b, unit: f.unit,
    "A rate": f.a_rate, "B rate": f.b_rate, "B − A": f.difference, "B / A": f.ratio}));
  const columns = scaled
    ? ["figure", "A", "B", "unit", "A rate", "B rate", "B − A", "B / A"]
    : ["figure", "A", "B", "B − A", "B / A"];
  const diffs = r.body.scenario_differences.map((d) => ({key: d.key, A: d.a, B: d.b}));
  document.getElementById("compare").replaceChildren(
    el("h3", {text: "Scenario keys that differ (" + diffs.length + ")"}),
    el("div", {class: "scroll", "data-table": "differences"}, table(["key", "A", "B"], diffs)),
    el("h3", {text: scaled ? "Figures, as rates" : "Figures"}),
    el("p", {id: "compare-note", class: scaled ? "note" : "hint", "data-scaled": String(scaled),
      text: r.body.note}),
    el("div", {class: "scroll", "data-table": "figures"}, table(columns, rows)));
}

window.CS.onRunStarted = function (run) {
  runs = [run].concat(runs.filter((r) => r.id !== run.id));
  selectRun(run.id);
  refreshRuns();
};

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("dossier-form").addEventListener("submit", lookup);
  document.getElementById("compare-form").addEventListener("submit", compare);
  refreshRuns().then(() => { document.body.dataset.runsReady = "1"; });
});
"""
