"""The dashboard's stylesheet (system fonts only)."""

from __future__ import annotations

__all__ = ["STYLE_CSS"]

STYLE_CSS = """
:root{--ink:#1f2328;--muted:#59636e;--line:#d8dee4;--bg:#f6f8fa;--accent:#0b5cad;
 --bad:#b42318;--ok:#1a7f37}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
 color:var(--ink);background:var(--bg);margin:0;line-height:1.4;font-size:15px}
header{background:#fff;border-bottom:1px solid var(--line);padding:.8rem 1.5rem}
h1{font-size:1.35rem;margin:0}h2{font-size:1.1rem;margin:0 0 .6rem}
h3{font-size:1rem;margin:1.2rem 0 .4rem}
.sub,.hint{color:var(--muted)}.sub{margin:.2rem 0 0}small.hint{display:block;font-size:.8rem}
main{display:grid;grid-template-columns:minmax(320px,430px) 1fr;gap:1rem;padding:1rem 1.5rem;
 align-items:start}
@media (max-width:900px){main{grid-template-columns:1fr}}
.panel{background:#fff;border:1px solid var(--line);border-radius:8px;padding:1rem;
 margin-bottom:1rem;min-width:0}
.column{min-width:0}
.field{margin:.55rem 0}
.field label{display:block;font-weight:600;font-size:.9rem;word-break:break-all}
.field.param label{font-weight:400;font-family:ui-monospace,monospace;font-size:.82rem}
input,select,textarea{font:inherit;padding:.3rem .45rem;border:1px solid #afb8c1;
 border-radius:5px;max-width:100%}
.field input:not([type=checkbox]),.field select,.field textarea{width:100%}
input.invalid,textarea.invalid,select.invalid{border-color:var(--bad);
 box-shadow:0 0 0 2px #fcd4d0}
input.changed{background:#fff8c5}
.error{color:var(--bad);font-size:.85rem;display:block}.error:empty{display:none}
pre.error{white-space:pre-wrap;background:#fff5f5;padding:.5rem;border-radius:5px}
details{margin:.6rem 0}details summary{cursor:pointer;font-weight:600}
details.group{border-left:3px solid var(--line);padding-left:.6rem;margin:.3rem 0}
details.group summary{font-weight:500;font-family:ui-monospace,monospace;font-size:.85rem}
#param-filter{width:100%;margin:.3rem 0}
button{font:inherit;padding:.35rem .9rem;border-radius:5px;border:1px solid #8c959f;
 background:#fff;cursor:pointer}
button[type=submit]{background:var(--accent);color:#fff;border-color:var(--accent)}
button:disabled{opacity:.5;cursor:default}
.actions{display:flex;gap:.6rem;align-items:center;flex-wrap:wrap;margin-top:.6rem}
table{border-collapse:collapse;width:100%;font-size:.88rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eaeef2;vertical-align:top}
thead th{border-bottom:2px solid var(--line)}td.n,th.n{text-align:right;
 font-variant-numeric:tabular-nums}
table.figures{width:auto;min-width:26rem}table.figures th{font-weight:500}
#compare-form select{max-width:22rem}
p.note{background:#fff8c5;border:1px solid #e3c46b;border-radius:5px;padding:.4rem .6rem}
#files a{margin-right:.8rem}
#runs tbody tr{cursor:pointer}#runs tbody tr:hover{background:#f3f6fa}
#runs tbody tr.selected{background:#ddf4ff}
.status-done{color:var(--ok)}.status-failed,.status-cancelled{color:var(--bad)}
progress{width:9rem;height:.9rem;vertical-align:middle}
#detail-status{margin:.3rem 0 .8rem}
iframe#report{width:100%;height:70vh;border:1px solid var(--line);border-radius:5px;
 background:#fff}
form.inline{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}
form.inline input{width:8rem}
.truth-misattributed,.truth-fabricated{color:var(--bad);font-weight:600}
.dossier-table{margin:.4rem 0 1rem;max-height:22rem;overflow:auto}
.scroll{overflow-x:auto}
code{font-size:.85em}
"""
