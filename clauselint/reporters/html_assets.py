"""The inline stylesheet and script of the HTML report (kept apart so the layout code stays readable)."""

STYLE = """
:root { --present: #1a7f37; --partial: #9a6700; --missing: #cf222e; --conflict: #8250df; --waived: #0969da;
        --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --paper: #ffffff; --wash: #f6f8fa; }
* { box-sizing: border-box; }
html { scroll-behavior: auto; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--wash); }
header.top { background: var(--paper); border-bottom: 1px solid var(--line); padding: .75rem 1.5rem; }
header.top h1 { margin: 0; font-size: 1.25rem; }
.tally { margin: .25rem 0 0; color: var(--muted); }
main { padding: 1rem 1.5rem 3rem; }
section.contract, section.index { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
        padding: 1rem 1.25rem; margin: 0 0 1.5rem; content-visibility: auto; contain-intrinsic-size: auto 1200px; }
section.index { content-visibility: visible; }
h2 { margin: 0 0 .25rem; font-size: 1.15rem; word-break: break-all; }
h3 { font-size: 1rem; margin: .5rem 0; }
.meta, .back { margin: 0 0 .25rem; color: var(--muted); font-size: .9rem; }
.error { color: var(--missing); }
.layout { display: grid; grid-template-columns: minmax(300px, 40%) 1fr; gap: 1.5rem; align-items: start; margin-top: .75rem; }
@media (max-width: 900px) { .layout { grid-template-columns: 1fr; } .checklist { position: static; max-height: none; } }
.checklist { position: sticky; top: .5rem; max-height: calc(100vh - 1rem); overflow: auto; padding-right: .5rem; }
ol.findings { list-style: none; margin: 0; padding: 0; }
li.finding { border-left: 4px solid var(--line); padding: .4rem .75rem; margin: 0 0 .75rem; background: var(--wash); border-radius: 0 6px 6px 0; }
li.finding:target { outline: 2px solid var(--waived); }
li.s-present { border-color: var(--present); } li.s-partial { border-color: var(--partial); }
li.s-missing { border-color: var(--missing); } li.s-conflict { border-color: var(--conflict); } li.s-waived { border-color: var(--waived); }
.head { margin: 0; } .head code { color: var(--muted); font-size: .85em; }
.mark { display: inline-block; width: 1.2em; text-align: center; font-weight: bold; }
.status { font-weight: 600; text-transform: uppercase; font-size: .75rem; letter-spacing: .04em; margin-left: .25rem; }
.s-present .status, .s-present .mark { color: var(--present); } .s-partial .status, .s-partial .mark { color: var(--partial); }
.s-missing .status, .s-missing .mark { color: var(--missing); } .s-conflict .status, .s-conflict .mark { color: var(--conflict); }
.s-waived .status, .s-waived .mark { color: var(--waived); }
.message { margin: .25rem 0; }
blockquote { margin: .4rem 0; padding: .25rem .6rem; border-left: 3px solid var(--line); background: var(--paper); }
blockquote.evidence cite { display: block; font-style: normal; font-size: .85rem; }
.context { color: var(--muted); }
.note, .placement, .waiver { font-size: .9rem; color: var(--muted); margin: .25rem 0; }
.waiver { color: var(--waived); }
.suggestion blockquote.clause { border-left-color: var(--waived); white-space: pre-wrap; }
button.copy { font: inherit; font-size: .85rem; padding: .15rem .6rem; border: 1px solid var(--line); border-radius: 4px;
        background: var(--paper); cursor: pointer; }
button.copy:hover { background: var(--wash); }
.signoff { border-top: 1px solid var(--line); margin-top: 1rem; font-size: .9rem; }
.signoff .line { display: inline-block; min-width: 12rem; border-bottom: 1px solid var(--ink); }
.signoff .line.short { min-width: 6rem; }
article.text { font-family: Georgia, "Times New Roman", serif; font-size: 15px; line-height: 1.6; min-width: 0; }
article.text p.block { margin: 0 0 .6rem; }
p.heading { font-weight: bold; margin-top: 1rem !important; }
p.d1 { padding-left: 1.5em; } p.d2 { padding-left: 3em; } p.d3 { padding-left: 4.5em; }
p.d4 { padding-left: 6em; } p.d5 { padding-left: 7.5em; } p.d6 { padding-left: 9em; }
p.part { color: var(--muted); }
.label { font-weight: 600; }
.badge { font: .7rem system-ui, sans-serif; text-transform: uppercase; border: 1px solid var(--line); border-radius: 3px;
        padding: 0 .25rem; color: var(--muted); }
.page { font: .75rem system-ui, sans-serif; color: var(--muted); border-top: 1px dashed var(--line); margin: 1rem 0 .5rem; padding-top: .2rem; }
h3.file { font-family: system-ui, sans-serif; border-bottom: 1px solid var(--line); }
.anchor { scroll-margin-top: 40vh; }
mark.ev { cursor: pointer; padding: 0 .05em; border-radius: 2px; }
mark.s-present { background: #dafbe1; } mark.s-partial { background: #fff1c2; }
mark.s-conflict { background: #ffd8d3; } mark.s-waived { background: #ddf4ff; }
mark.flash { outline: 3px solid var(--waived); }
.scroll { overflow-x: auto; }
table.matrix { border-collapse: collapse; font-size: .85rem; }
table.matrix th, table.matrix td { border: 1px solid var(--line); padding: .2rem .5rem; text-align: center; white-space: nowrap; }
table.matrix td.file { text-align: left; }
table.matrix td a { text-decoration: none; }
td.s-present a { color: var(--present); } td.s-partial a { color: var(--partial); } td.s-missing a { color: var(--missing); }
td.s-conflict a { color: var(--conflict); } td.s-waived a { color: var(--waived); } td.s-error { color: var(--missing); }
footer { color: var(--muted); font-size: .85rem; }
@media print { body { background: #fff; } .checklist { position: static; max-height: none; overflow: visible; }
        button.copy { display: none; } .layout { display: block; } section.contract { break-before: page; content-visibility: visible; } }
"""

SCRIPT = """
(function () {
  "use strict";
  function flash(id) {
    var marks = document.querySelectorAll('mark[data-q~="' + id.replace(/"/g, "") + '"]');
    for (var i = 0; i < marks.length; i++) {
      marks[i].classList.remove("flash");
      void marks[i].offsetWidth;
      marks[i].classList.add("flash");
    }
  }
  function copied(button, ok) {
    button.textContent = ok ? "Copied" : "Selected: press Ctrl+C";
    window.setTimeout(function () { button.textContent = "Copy clause"; }, 2500);
  }
  function selectAndCopy(button, element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
    copied(button, ok);
  }
  function copy(button) {
    var element = document.getElementById(button.getAttribute("data-copy"));
    if (!element) { return; }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(element.textContent).then(
        function () { copied(button, true); },
        function () { selectAndCopy(button, element); });
    } else {
      selectAndCopy(button, element);
    }
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest) { return; }
    var button = target.closest("button.copy");
    if (button) { copy(button); return; }
    var mark = target.closest("mark[data-f]");
    if (mark) {
      var finding = mark.getAttribute("data-f").split(" ")[0];
      if (finding) { window.location.hash = finding; }
    }
  });
  window.addEventListener("hashchange", function () {
    if (window.location.hash.length > 1) { flash(decodeURIComponent(window.location.hash.slice(1))); }
  });
  if (window.location.hash.length > 1) { flash(decodeURIComponent(window.location.hash.slice(1))); }
})();
"""
