"""Contracts are confidential: clauselint opens no network connection and leaves nothing behind.

- With socket creation blocked in every Python process it starts (a sitecustomize.py that also
  installs an audit hook and reports any attempt), the CLI still lints a batch and reports in full.
- Files that point at a server (DTDs and entities, linked images, scripts, style sheets, PDF
  links and remote file specifications) make no connection to it, C libraries included.
- Linting writes nothing next to the inputs, modifies no input, leaves no temporary file, and
  writes nothing into the home folder; a batch even runs where no file may be written at all.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import resource
import socket
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_contracts"
CONTRACTS = (SAMPLES / "docx" / "uk-stavelake-msa.docx", SAMPLES / "pdf" / "tos-orrinmoor-saas.pdf")

BLOCKER = r'''
"""Installed by tests/test_privacy.py: every attempt at a socket is refused and reported on stderr with its caller."""
import os, socket, sys, _socket

MARK = "privacy-test-refused"


def _caller():
    frame = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__", "") in ("socket", "sitecustomize"):
        frame = frame.f_back
    return frame.f_globals.get("__name__", "?") if frame is not None else "?"


def _refuse(kind, what):
    line = f"{MARK}\t{kind}\t{_caller()}\t{what}"[:300].replace("\n", " ") + "\n"
    os.write(2, line.encode("utf-8", "replace"))  # standard error: a pipe, so even a process that may not write files can say it
    raise OSError(f"network access refused by the privacy test: {what}")


_NETWORK = ("socket.connect", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
            "socket.getnameinfo", "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect")


def _audit(event, args):
    if event in _NETWORK:
        _refuse("network", f"{event} {args!r}")
    elif event.startswith("socket."):
        _refuse("socket", f"{event} {args!r}")


def _blocked(*args, **kwargs):
    _refuse("network", f"socket function {args!r}")


class _RefusedSocket(socket.socket):  # still a class: ssl (imported by spaCy through requests) subclasses it
    def __init__(self, *args, **kwargs):
        _refuse("socket", f"socket.socket{args!r}")


class _RefusedRawSocket(_socket.socket):
    def __init__(self, *args, **kwargs):
        _refuse("socket", f"_socket.socket{args!r}")


sys.addaudithook(_audit)
socket.socket, _socket.socket = _RefusedSocket, _RefusedRawSocket
socket.create_connection = socket.socketpair = socket.getaddrinfo = _blocked
'''


def _environment(tmp_path: Path, *, block: bool) -> dict[str, str]:
    """A clean environment: its own temporary folder and home, and the socket blocker if asked."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "TMP", "XDG_"))}
    for name in ("tmp", "home", "cache"):
        (tmp_path / name).mkdir(exist_ok=True)
    env.update(TMPDIR=str(tmp_path / "tmp"), HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    if block:
        blocker = tmp_path / "blocker"
        blocker.mkdir(exist_ok=True)
        (blocker / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
        env["PYTHONPATH"] = f"{blocker}{os.pathsep}{ROOT}"
    else:
        env["PYTHONPATH"] = str(ROOT)
    return env


def _run(args: list[str], env: dict[str, str], cwd: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=180, **kwargs)


# --------------------------------------------------------------------------- no network


def test_the_blocker_really_blocks(tmp_path: Path) -> None:
    """Without this, a passing lint run below would prove nothing."""
    env = _environment(tmp_path, block=True)
    probe = _run(["-c", "import socket; socket.create_connection(('127.0.0.1', 9))"], env, tmp_path)
    assert probe.returncode != 0 and "network access refused by the privacy test" in probe.stderr
    assert _attempts(probe.stderr) and _attempts(probe.stderr)[0].startswith("network\t__main__")


def test_a_batch_runs_with_every_socket_refused_and_no_file_write_allowed(tmp_path: Path) -> None:
    """Worker processes and all: with no socket and RLIMIT_FSIZE at 0 (no process may put one
    byte into any file), the report on standard output is all that linting needs and makes."""
    env = _environment(tmp_path, block=True)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    result = _run(["-m", "clauselint", *map(str, CONTRACTS), "--format", "json", "--jobs", "2"], env, tmp_path, preexec_fn=_no_file_writes)
    assert result.returncode in (0, 1), result.stderr[-3000:]
    results = json.loads(result.stdout)["results"]
    assert [r["ok"] for r in results] == [True, True]
    assert results[0]["findings"] and [f["rule"] for f in results[0]["findings"]] == [f["rule"] for f in results[1]["findings"]]
    _assert_no_attempt_by_clauselint(result.stderr)


def test_the_html_report_is_made_offline_and_loads_nothing_remote(tmp_path: Path) -> None:
    result = _run(["-m", "clauselint", str(CONTRACTS[0]), "--format", "html", "--jobs", "1"], _environment(tmp_path, block=True), tmp_path)
    assert result.returncode in (0, 1), result.stderr[-3000:]
    assert "<html" in result.stdout.lower() and _remote_resources(result.stdout) == []
    _assert_no_attempt_by_clauselint(result.stderr)


def _no_file_writes() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def _attempts(stderr: str) -> list[str]:
    return [line.split("\t", 1)[1] for line in stderr.splitlines() if line.startswith("privacy-test-refused\t")]


def _assert_no_attempt_by_clauselint(stderr: str) -> None:
    """No network call at all, and no socket made by clauselint's own code. (urllib3, which spaCy
    imports through requests, makes and closes an IPv6 socket when imported, to learn whether
    the machine has IPv6: that is refused, reported and harmless, and connects nowhere.)"""
    attempts = _attempts(stderr)
    assert not [a for a in attempts if a.startswith("network")], attempts
    assert not [a for a in attempts if a.split("\t")[1].startswith("clauselint")], attempts


_RESOURCE = re.compile(r"<(?:link|script|img|iframe|object|embed|source|video|audio|frame)\b[^>]*?\b(?:src|href|data|srcset)\s*=\s*[\"']?"
                       r"\s*((?:https?:)?//[^\"'\s>]+)", re.I)
_CSS_RESOURCE = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])\s*((?:https?:)?//[^\"')\s]+)", re.I)


def _remote_resources(html: str) -> list[str]:
    """What a browser would fetch by itself on opening the page (links a reader clicks are fine)."""
    return _RESOURCE.findall(html) + _CSS_RESOURCE.findall(html)


def test_the_remote_resource_finder_finds_them() -> None:
    page = _html_pointing_at("http://example.test").decode()
    assert len(_remote_resources(page)) >= 6 and _remote_resources('<a href="https://example.test">pledge</a>') == []


class _CanaryServer:
    """A TCP server on 127.0.0.1 that counts connections: a file pointing at it must not reach it."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(2)
        self.server.close()


def _docx_pointing_at(url: str) -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    document = (f'<?xml version="1.0"?><!DOCTYPE w:document SYSTEM "{url}/external.dtd" [<!ENTITY % remote SYSTEM "{url}/p.dtd">'
                f'%remote;<!ENTITY fetched SYSTEM "{url}/entity">]><w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>Text &fetched;'
                "</w:t></w:r></w:p></w:body></w:document>")
    plain = f'<?xml version="1.0"?><w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>Customer shall comply.</w:t></w:r></w:p></w:body></w:document>'
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="{url}/image.png" '
            'TargetMode="External"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" '
            f'Target="{url}/header.xml"/></Relationships>')
    out = []
    for body in (document, plain):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
            archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                             'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                             'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
            archive.writestr("word/document.xml", body)
            archive.writestr("word/_rels/document.xml.rels", rels)
        out.append(buffer.getvalue())
    return out[0], out[1]


def _html_pointing_at(url: str) -> bytes:
    return (f'<!DOCTYPE html><html><head><link rel="stylesheet" href="{url}/style.css"><script src="{url}/script.js"></script>'
            f'<style>@import url("{url}/import.css"); p {{ background: url({url}/bg.png) }}</style><meta http-equiv="refresh" '
            f'content="0; url={url}/refresh"></head><body><main><p>Customer shall comply. <img src="{url}/pixel.gif"></p>'
            f'<iframe src="{url}/frame"></iframe><object data="{url}/object"></object></main></body></html>').encode()


def _pdf_pointing_at(url: str) -> bytes:
    text = b"BT /F1 12 Tf 72 700 Td (Customer shall comply.) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R /URI << /Base (" + url.encode() + b") >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [4 0 R 7 0 R] /Resources << /Font << /F1 5 0 R >> >> /Annots [8 0 R] >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /S /URI /URI (" + url.encode() + b"/open) >>",
        b"<< /Length 0 /F << /FS /URL /F (" + url.encode() + b"/stream) >> >>\nstream\n\nendstream",
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /URI /URI (" + url.encode() + b"/link) >> >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_files_that_point_at_a_server_never_reach_it(tmp_path: Path) -> None:
    """No socket blocker here: if any library (libxml2, PDFium, the HTML parser) fetched anything,
    the server would see the connection."""
    server = _CanaryServer()
    try:
        url = f"http://127.0.0.1:{server.port}"
        with_dtd, with_links = _docx_pointing_at(url)
        files = {"dtd.docx": with_dtd, "links.docx": with_links, "page.html": _html_pointing_at(url), "links.pdf": _pdf_pointing_at(url)}
        for name, data in files.items():
            (tmp_path / name).write_bytes(data)
        env = _environment(tmp_path, block=False)
        paths = [str(tmp_path / name) for name in files]
        lint = _run(["-m", "clauselint", *paths, "--format", "json", "--jobs", "1"], env, tmp_path)
        dump = _run(["-m", "clauselint", "dump", *paths], env, tmp_path)
        probe = socket.create_connection(("127.0.0.1", server.port), timeout=5)  # the server does count
        probe.close()
        for _ in range(50):
            if server.connections:
                break
            threading.Event().wait(0.05)
    finally:
        server.close()
    assert "Traceback" not in lint.stderr + dump.stderr
    report = {Path(r["path"]).name: r for r in json.loads(lint.stdout)["results"]}
    assert report["dtd.docx"]["error"]["code"] == "corrupt-docx"
    assert all(report[name]["ok"] for name in ("links.docx", "page.html", "links.pdf")), lint.stderr
    assert server.connections == 1, f"{server.connections - 1} connection(s) from clauselint"


# --------------------------------------------------------------------------- nothing written


def _snapshot(folder: Path) -> dict[str, tuple[int, int, int, str]]:
    """Every entry under `folder`: size, modification and change times, and content hash."""
    out = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        out[str(path.relative_to(folder))] = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, digest)
    return out


def test_linting_writes_nothing_next_to_the_inputs_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    inputs = tmp_path / "contracts"
    inputs.mkdir()
    for contract in CONTRACTS:
        (inputs / contract.name).write_bytes(contract.read_bytes())
    (inputs / "broken.docx").write_bytes(b"PK\x03\x04 not really a package")
    reports = tmp_path / "reports"
    reports.mkdir()
    env = _environment(tmp_path, block=False)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    before = _snapshot(inputs)
    runs = [
        ["-m", "clauselint", str(inputs), "--format", "json", "-o", str(reports / "report.json"), "--jobs", "2"],
        ["-m", "clauselint", "dump", *(str(inputs / c.name) for c in CONTRACTS)],
    ]
    for args in runs:
        result = _run(args, env, tmp_path)
        assert result.returncode in (0, 1, 2) and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert _snapshot(inputs) == before, "an input was modified, or something was written next to the inputs"
    assert [p.name for p in reports.iterdir()] == ["report.json"], "a temporary file was left beside the report"
    assert json.loads((reports / "report.json").read_text())["summary"]["files"] == 3
    for name in ("tmp", "home", "cache"):
        assert list((tmp_path / name).rglob("*")) == [], f"something was left in {name}"
