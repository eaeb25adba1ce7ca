"""The HTML review page on real DOCX and PDF contracts: self-contained, evidence highlighted and linked.

The last test loads the pages in headless Chromium (Debian's `chromium`) over the DevTools
protocol on a pipe: the page renders, each evidence link jumps to its highlighted quote, the copy
buttons work, nothing is fetched from the network and nothing is logged to the console.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from clauselint import lint
from clauselint.findings import Status
from clauselint.reporters.html_report import render_html

ROOT = Path(__file__).resolve().parent.parent
DOCX = str(ROOT / "sample_contracts/docx/tos-orrinmoor-saas.docx")
AUP = str(ROOT / "sample_contracts/docx/tos-orrinmoor-aup.docx")
PDF = str(ROOT / "sample_contracts/pdf/mix-jda-lanternfish-corvid.pdf")
CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("html")
    broken = folder / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n%%EOF")
    bundle = lint([DOCX], with_files=[AUP], keep_documents=True)
    batch = lint([PDF, DOCX, str(broken)], keep_documents=True)
    out = {"bundle": (bundle, folder / "bundle.html"), "batch": (batch, folder / "batch.html")}
    for report, path in out.values():
        path.write_text(render_html(report), encoding="utf-8")
    return out


class Elements(HTMLParser):
    """Every start tag with its attributes, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.tags


def test_the_page_is_self_contained_and_its_policy_allows_nothing_else(pages) -> None:
    for _, path in pages.values():
        html = path.read_text(encoding="utf-8")
        tags = parse(html)
        assert not [t for t, a in tags if t in ("link", "img", "iframe", "object", "embed") or (t == "script" and "src" in a)]
        assert all(a["href"].startswith("#") for t, a in tags if t == "a")
        policy = next(a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
        script = re.search(r"<script>(.*?)</script>", html, re.DOTALL).group(1)
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert policy.startswith("default-src 'none'") and f"script-src 'sha256-{digest}'" in policy


def test_each_quote_is_highlighted_in_the_text_and_linked_from_the_checklist(pages) -> None:
    for report, path in pages.values():
        html = path.read_text(encoding="utf-8")
        tags = parse(html)
        ids = [a.get("id") for _, a in tags]
        links = [a["href"][1:] for t, a in tags if t == "a" and "jump" in (a.get("class") or "")]
        quoted = [e for r in report.results for f in r.findings for e in f.evidence]
        assert len(links) == len(quoted) > 0
        for target in links:
            position = ids.index(target)
            assert tags[position + 1][0] == "mark"  # the anchor is followed by the highlighted quote
        for result in report.results:
            for finding in result.findings:
                for evidence in finding.evidence:
                    assert evidence.text.replace("'", "&#x27;").replace('"', "&quot;")[:40] in html


def test_missing_clauses_have_their_suggested_language_and_a_copy_button(pages) -> None:
    for report, path in pages.values():
        html = path.read_text(encoding="utf-8")
        tags = parse(html)
        buttons = [a["data-copy"] for t, a in tags if t == "button"]
        suggested = [f for r in report.results for f in r.findings if f.status is not Status.PRESENT]
        assert len(buttons) == len(suggested)
        ids = {a.get("id") for _, a in tags}
        assert all(b in ids for b in buttons)


def test_a_batch_has_an_index_with_the_files_by_rules_matrix(pages) -> None:
    report, path = pages["batch"]
    html = path.read_text(encoding="utf-8")
    matrix = html[html.index('<table class="matrix">'):html.index("</table>")]
    rows = re.findall(r"<tr><th scope=\"row\">(\d+)</th>", matrix)
    assert rows == ["1", "2", "3"]
    assert "unreadable: " + report.results[2].error.code in matrix
    for number, result in enumerate(report.results[:2], 1):
        for k in range(1, len(result.findings) + 1):
            assert f'href="#c{number}-f{k}"' in matrix


def test_text_from_a_hostile_file_is_escaped(tmp_path: Path) -> None:
    contract = tmp_path / "hostile.txt"
    contract.write_text('This Agreement is between Acme Inc. ("Provider") and Beta Ltd ("Customer").\n\n'
                        "2.1 Customer shall not use the Services for any police agency <script>alert(1)</script> "
                        '<img src="https://evil.example/x.png"> &amp;.\n', encoding="utf-8")
    html = render_html(lint([str(contract)], keep_documents=True))
    assert "<script>alert(1)" not in html and '<img src="https://evil' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ---------------------------------------------------------------------------------------- browser

class Chromium:
    """Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe)."""

    def __init__(self, binary: str, profile: str) -> None:
        to_read, self._to_chrome = os.pipe()
        self._from_chrome, from_write = os.pipe()

        def give_fds_3_and_4() -> None:  # the pipe protocol: Chromium reads fd 3 and writes fd 4
            import fcntl

            read_end, write_end = fcntl.fcntl(to_read, fcntl.F_DUPFD, 10), fcntl.fcntl(from_write, fcntl.F_DUPFD, 10)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", "--window-size=1280,900", f"--user-data-dir={profile}",
             "--remote-debugging-pipe", "about:blank"],
            preexec_fn=give_fds_3_and_4, close_fds=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_read)
        os.close(from_write)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None, timeout: float = 60) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for event in self.events:
            if event.get("method") == method:
                self.events.remove(event)
                return event
        while True:
            event = self._read(deadline)
            if event.get("method") == method:
                return event
            self.events.append(event)

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_chrome], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise EOFError("Chromium exited")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(raw)

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=10)
        except (OSError, EOFError, TimeoutError, RuntimeError):
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


CHECK_LINKS = """(async () => {
  const pause = () => new Promise(done => setTimeout(done, 30));
  const out = [];
  for (const link of document.querySelectorAll("a.jump")) {
    window.scrollTo(0, 0);
    link.click();
    await pause();
    const id = link.getAttribute("href").slice(1);
    const anchor = document.getElementById(id);
    const mark = anchor && anchor.nextElementSibling;
    const box = mark ? mark.getBoundingClientRect() : null;
    out.push({id: id, hash: location.hash, tag: mark && mark.tagName, quoted: mark && mark.dataset.q.split(" ").includes(id),
              visible: !!box && box.bottom > 0 && box.top < window.innerHeight, flashed: !!mark && mark.classList.contains("flash")});
  }
  return out;
})()"""
CHECK_PAGE = """(async () => {
  const checklist = document.querySelector("nav.checklist");
  const text = document.querySelector("article.text");
  const mark = document.querySelector("mark.ev");
  mark.click();
  await new Promise(done => setTimeout(done, 30));
  const afterMark = location.hash;
  const button = document.querySelector("button.copy");
  let copied = null;
  if (button) { button.click(); await new Promise(done => setTimeout(done, 100)); copied = button.textContent; }
  return {findings: document.querySelectorAll("li.finding").length, checklistHeight: checklist.getBoundingClientRect().height,
          textLength: text.innerText.length, markFinding: mark.dataset.f.split(" ")[0], afterMark: afterMark,
          target: document.querySelector(":target") && document.querySelector(":target").id, copied: copied,
          title: document.title};
})()"""


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install -y chromium)")
def test_the_page_works_in_a_real_headless_browser(pages) -> None:
    profile = tempfile.mkdtemp(prefix="clauselint-chromium-")
    browser = Chromium(CHROMIUM, profile)
    try:
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.call(f"{domain}.enable", session=session)
        for report, path in pages.values():
            browser.call("Page.navigate", {"url": path.as_uri()}, session=session)
            browser.wait_for("Page.loadEventFired")
            links = _evaluate(browser, session, CHECK_LINKS)
            assert len(links) == sum(len(f.evidence) for r in report.results for f in r.findings) > 0
            for link in links:
                assert link == {**link, "hash": "#" + link["id"], "tag": "MARK", "quoted": True, "visible": True, "flashed": True}
            page = _evaluate(browser, session, CHECK_PAGE)
            assert page["findings"] == sum(len(r.findings) for r in report.results) and page["checklistHeight"] > 100
            assert page["textLength"] > 1000 and page["title"].startswith("clauselint review")
            assert page["afterMark"] == "#" + page["markFinding"] and page["target"] == page["markFinding"]
            suggestions = any(f.status is not Status.PRESENT for r in report.results for f in r.findings)
            assert page["copied"] in (("Copied", "Selected: press Ctrl+C") if suggestions else (None,))
        problems = [e for e in browser.events if e.get("method") == "Runtime.exceptionThrown"
                    or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] in ("error", "warning"))
                    or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "warning", "assert"))]
        assert problems == []
        fetched = {e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"}
        assert fetched <= {path.as_uri() for _, path in pages.values()}
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)


def _evaluate(browser: Chromium, session: str, script: str) -> Any:
    reply = browser.call("Runtime.evaluate", {"expression": script, "returnByValue": True, "awaitPromise": True}, session=session)
    assert "exceptionDetails" not in reply, reply
    return reply["result"]["value"]


if __name__ == "__main__":  # pragma: no cover - `python tests/test_reporters_html.py` opens nothing; run pytest
    sys.exit(pytest.main([__file__]))
