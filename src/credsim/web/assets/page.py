"""The dashboard's one HTML page; form.js and runs.js fill it in."""

from __future__ import annotations

__all__ = ["INDEX_HTML"]

INDEX_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>credsim dashboard</title>
<link rel="stylesheet" href="/static/style.css">
<script src="/static/form.js" defer></script>
<script src="/static/runs.js" defer></script>
</head>
<body>
<header>
  <h1>credsim dashboard</h1>
  <p class="sub">A simulated social credit system over a synthetic population. No real person
  is identified, tracked or scored.</p>
</header>
<main>
<section id="new-run" class="panel" aria-labelledby="new-run-title">
  <h2 id="new-run-title">New run</h2>
  <form id="run-form" novalidate>
    <div class="field">
      <label for="scenario">Scenario</label>
      <select id="scenario" name="scenario"></select>
      <span class="error" data-error-for="scenario"></span>
      <small id="scenario-description" class="hint"></small>
    </div>
    <div id="main-fields"></div>
    <details id="params">
      <summary>Scenario parameters (<span id="param-count">0</span>)</summary>
      <p class="hint">Every key of the scenario, after inheritance and defaults. A changed value
      is sent as <code>--set key=value</code>.</p>
      <input id="param-filter" type="search" placeholder="filter keys, e.g. misattribution"
        aria-label="filter parameters">
      <div id="param-groups"></div>
    </details>
    <div class="field">
      <label for="overrides">More overrides, one <code>dotted.key=value</code> a line</label>
      <textarea id="overrides" data-key="overrides" rows="3"
        placeholder="policies.rongcheng.start=900"></textarea>
      <span class="error" data-error-for="overrides"></span>
    </div>
    <div id="form-error" class="error" role="alert"></div>
    <div class="actions">
      <button type="submit" id="start">Start run</button>
      <button type="button" id="reset">Reset to the scenario's values</button>
      <span id="changed" class="hint"></span>
    </div>
  </form>
</section>
<div class="column">
<section id="runs-panel" class="panel" aria-labelledby="runs-title">
  <h2 id="runs-title">Runs</h2>
  <p id="queue" class="hint"></p>
  <table id="runs">
    <thead><tr><th>run</th><th>scenario</th><th>status</th><th>progress</th>
      <th class="n">seconds</th><th></th></tr></thead>
    <tbody></tbody>
  </table>
  <p id="no-runs" class="hint">No runs yet: start one on the left.</p>
</section>
<section id="run-detail" class="panel" hidden aria-labelledby="detail-title">
  <h2 id="detail-title">Run <span id="detail-id"></span></h2>
  <div id="detail-status">
    <progress id="detail-progress" max="1" value="0"></progress>
    <span id="detail-phase"></span>
  </div>
  <pre id="detail-error" class="error" hidden></pre>
  <div id="detail-results" hidden>
    <table id="headline" class="figures"></table>
    <p id="files" class="hint"></p>
    <h3>Report</h3>
    <p><a id="report-link" target="_blank" rel="noopener">Open report.html in a tab</a></p>
    <iframe id="report" title="run report"></iframe>
    <h3>Dossier</h3>
    <form id="dossier-form" class="inline" novalidate>
      <label for="citizen">Citizen</label>
      <input id="citizen" type="number" min="0" step="1" required>
      <label for="dossier-policy">policy</label>
      <select id="dossier-policy"></select>
      <button type="submit" id="lookup">Look up</button>
    </form>
    <span class="error" data-error-for="citizen" id="dossier-error"></span>
    <div id="dossier"></div>
  </div>
</section>
<section id="compare-panel" class="panel" aria-labelledby="compare-title">
  <h2 id="compare-title">Compare two runs</h2>
  <p class="hint">Summaries side by side. Runs with the same seed share their random draws,
  so their differences come from what differs in the scenario, not from chance;
  <code>credsim compare A B</code> runs such a twin pair and compares it citizen by citizen.
  Runs of different sizes are compared as rates: per 100,000 citizens, and per year for
  counts of events.</p>
  <form id="compare-form" class="inline">
    <label for="compare-a">A</label><select id="compare-a"></select>
    <label for="compare-b">B</label><select id="compare-b"></select>
    <button type="submit" id="compare-button">Compare</button>
  </form>
  <span class="error" id="compare-error"></span>
  <div id="compare"></div>
</section>
</div>
</main>
</body>
</html>
"""
