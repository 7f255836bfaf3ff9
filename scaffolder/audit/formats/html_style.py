"""The HTML report's inline style sheet: system fonts only, no URL anywhere.

Kept apart from html_report.py so the markup stays readable. Colours: severity
badges (critical dark red, high orange, medium amber, low blue, info grey), the
score green (80+), amber (50+) or red, probe cells red when a role may do the
operation, green when it may not.
"""

from __future__ import annotations

CSS = """
:root {
  --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --paper: #ffffff; --wash: #f6f8fa;
  --critical: #b3261e; --high: #d9480f; --medium: #b7791f; --low: #1c64c8; --info: #6e7781;
  --good: #1a7f37; --warn: #b7791f; --bad: #b3261e;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--wash); color: var(--ink);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    sans-serif;
}
main { max-width: 1040px; margin: 0 auto; padding: 28px 24px 48px; }
h1 { font-size: 30px; line-height: 1.2; margin: 0 0 6px; overflow-wrap: anywhere; }
h2 {
  font-size: 21px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line);
}
h3 { font-size: 17px; margin: 0; overflow-wrap: anywhere; }
p { margin: 6px 0; }
code, pre {
  font: 14px/1.45 ui-monospace, "SFMono-Regular", "Cascadia Mono", Menlo, Consolas,
    "Liberation Mono", monospace;
}
code { background: var(--wash); border: 1px solid var(--line); border-radius: 4px;
  padding: 1px 5px; overflow-wrap: anywhere; }
a { color: var(--low); }
.muted { color: var(--muted); }
.card {
  background: var(--paper); border: 1px solid var(--line); border-radius: 10px;
  padding: 16px 20px; margin: 12px 0;
}
.hero { display: flex; gap: 28px; align-items: center; flex-wrap: wrap; }
.score {
  flex: none; width: 168px; height: 168px; border-radius: 50%; color: #fff;
  display: flex; flex-direction: column; align-items: center; justify-content: center;
}
.score b { font-size: 64px; line-height: 1; }
.score span { font-size: 15px; opacity: .9; }
.s-good { background: var(--good); } .s-warn { background: var(--warn); }
.s-bad { background: var(--bad); }
.t-good { color: var(--good); } .t-warn { color: var(--warn); } .t-bad { color: var(--bad); }
.verdict { font-size: 20px; font-weight: 650; margin: 4px 0; }
.hero-text { flex: 1; min-width: 280px; }
.counts { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 10px; }
.badge {
  display: inline-block; border-radius: 999px; padding: 1px 10px; font-size: 12.5px;
  font-weight: 700; letter-spacing: .04em; text-transform: uppercase; color: #fff;
  white-space: nowrap; vertical-align: 2px;
}
.sev-critical { background: var(--critical); } .sev-high { background: var(--high); }
.sev-medium { background: var(--medium); } .sev-low { background: var(--low); }
.sev-info { background: var(--info); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); }
th { font-size: 13px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.dims td { border: 0; padding: 6px 10px; }
.dims td:first-child { width: 120px; font-weight: 600; }
.bar { height: 16px; background: #e6eaef; border-radius: 8px; overflow: hidden; min-width: 160px; }
.bar span { display: block; height: 100%; border-radius: 8px; }
ol.card { padding-left: 48px; }
.risks li { margin: 8px 0; }
.finding { border-left: 6px solid var(--info); }
.finding.critical { border-left-color: var(--critical); }
.finding.high { border-left-color: var(--high); }
.finding.medium { border-left-color: var(--medium); }
.finding.low { border-left-color: var(--low); }
.finding header { display: flex; gap: 10px; align-items: baseline; }
.finding h3 { flex: 1; min-width: 0; }
.rule { font-weight: 700; font-family: ui-monospace, Menlo, Consolas, monospace; flex: none; }
.dim { color: var(--muted); font-size: 14px; flex: none; }
dl { display: grid; grid-template-columns: 62px 1fr; gap: 4px 12px; margin: 10px 0 0; }
dt { color: var(--muted); font-weight: 600; font-size: 14px; padding-top: 2px; }
dd { margin: 0; min-width: 0; }
.places { list-style: none; margin: 0; padding: 0; max-height: 19em; overflow: auto; }
.places li { margin: 2px 0; overflow-wrap: anywhere; }
.places .snip { color: var(--muted); border: 0; background: none; }
.plan li { margin: 8px 0; }
.plan .closes { color: var(--muted); font-size: 14px; }
.rls td, .rls th { text-align: center; font-size: 14px; padding: 6px 8px; }
.rls td:first-child, .rls th:first-child { text-align: left; }
.rls .group { border-left: 2px solid var(--line); }
.cell-allowed { background: #fbe3e1; color: var(--critical); font-weight: 700; }
.cell-denied { background: #dff3e4; color: var(--good); }
.cell-error { background: #eef0f3; color: var(--muted); font-style: italic; }
.warnings li { margin: 4px 0; overflow-wrap: anywhere; }
footer { margin-top: 40px; color: var(--muted); font-size: 14px; }
@media (max-width: 640px) {
  main { padding: 16px 12px; } .score { width: 128px; height: 128px; }
  .score b { font-size: 48px; } dl { grid-template-columns: 1fr; }
  .finding header { flex-wrap: wrap; }
  .bar { min-width: 60px; } .dims td:last-child { display: none; }
  .dims td { padding: 6px 4px; } .dims td:first-child { width: auto; }
}
@media print {
  @page { margin: 14mm; }
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .card { break-inside: avoid; border-color: #bbb; }
  h2 { break-after: avoid; }
  .places { max-height: none; overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"""
