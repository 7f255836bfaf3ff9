"""`--format html`: one self-contained page with every finding, no external load, no secret.

The unit tests parse the page with the stdlib HTML parser; the browser tests render
it in headless Chromium (Debian's `chromium`; skipped when it is not installed) and
check the DOM text, the screenshot and Chromium's own network log.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scaffolder.audit import evaluate, run_audit
from scaffolder.audit.formats import ReportFormat, render, to_html
from scaffolder.audit.formats.html_report import CSP, rls_matrix
from scaffolder.cli.app import main
from scaffolder.display import printable
from scaffolder.models import (
    AuthFacts,
    AuthKind,
    Evidence,
    ReadinessReport,
    ScanWarning,
    WarningKind,
)
from tests.audit.factories import flat_estimator, secret
from tests.audit.test_formats import sample_report
from tests.support.prototypes import materialize

HOSTILE = "<script>alert('x')</script>&amp;.env"
MANY = 40  # more places than any other format prints
PROBE = {
    "probed": True,
    "tables": [
        {
            "schema": "public",
            "table": "profiles",
            "rls_enabled": True,
            "access": {
                "anon": {
                    "select": "denied",
                    "insert": "denied",
                    "update": "denied",
                    "delete": "denied",
                },
                "authenticated_other": {
                    "select": "allowed",
                    "insert": "denied",
                    "update": "denied",
                    "delete": "error",
                },
            },
        },
        {
            "schema": "public",
            "table": "<b>habits</b>",
            "rls_enabled": False,
            "access": {
                "anon": {
                    "select": "allowed",
                    "insert": "allowed",
                    "update": "allowed",
                    "delete": "allowed",
                },
                "authenticated_other": {
                    "select": "allowed",
                    "insert": "allowed",
                    "update": "allowed",
                    "delete": "allowed",
                },
            },
        },
    ],
}


class Page(HTMLParser):
    """The text a reader sees, and every attribute, of an HTML document."""

    def __init__(self, document: str) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []  # (tag, name, value)
        self._skip = 0
        self.feed(document)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(tag, name, value or "") for name, value in attrs]
        self._skip += tag in {"style", "title"}

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in {"style", "title"}

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())


def _flat(value: str) -> str:
    return " ".join(value.split())


def rich_report() -> ReadinessReport:
    """test_formats' sample, plus a hostile file name, 40 places for one finding, a warning."""
    facts = sample_report().facts
    facts = facts.model_copy(
        update={
            "secrets": [*facts.secrets, secret(path=HOSTILE, line=1, fingerprint="c" * 64)],
            "auth": [
                AuthFacts(
                    kind=AuthKind.CLIENT_ONLY,
                    evidence=[
                        Evidence(path=f"src/pages/Page{n}.tsx", line=n, snippet=f"pw === {n}")
                        for n in range(1, MANY + 1)
                    ],
                )
            ],
            "warnings": [
                *facts.warnings,
                ScanWarning(kind=WarningKind.TOO_LARGE, path="big\n<i>x</i>.json", message="2 MB"),
            ],
        }
    )
    return evaluate(facts, cost_estimator=flat_estimator, tool_version="1.2.3")


def external_references(document: str) -> list[str]:
    """Every URL the page could load or link to (only #anchors are allowed)."""
    page = Page(document)
    bad = [
        f"{tag} {name}={value}"
        for tag, name, value in page.attrs
        if name in {"src", "href", "srcset", "action", "poster", "data", "background"}
        and not value.startswith("#")
    ]
    bad += re.findall(r"url\(|@import", document, flags=re.IGNORECASE)
    bad += [t for t in page.tags if t in {"script", "link", "img", "iframe", "object", "embed"}]
    return bad


# ---------------------------------------------------------------------------- unit


def test_every_finding_place_and_section_is_in_the_page() -> None:
    report = rich_report()
    page = Page(to_html(report))
    assert len({f.rule_id for f in report.findings}) >= 8
    for finding in report.findings:
        assert finding.rule_id in page.text
        assert _flat(finding.title) in page.text
        for evidence in finding.evidence:  # all of them: nothing is cut
            assert printable(evidence.path) in page.text
            if evidence.snippet:
                assert _flat(evidence.snippet) in page.text
    for heading in (
        "Scores by dimension",
        "Top risks",
        "Launch plan",
        "Findings",
        "Estimated monthly AWS cost",
        "Scan warnings",
    ):
        assert heading in page.text
    for step in report.launch_plan:
        assert _flat(step.title).split("`")[0] in page.text
    assert "$" in page.text and "1.2.3" in page.text and str(report.score) in page.text


def test_the_page_is_self_contained() -> None:
    document = to_html(rich_report())
    assert not external_references(document)
    assert "http://" not in document and "https://" not in document
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in document
    assert "default-src 'none'" in CSP
    assert "@media print" in document


def test_hostile_names_are_text() -> None:
    page = Page(to_html(rich_report()))
    assert "script" not in page.tags and "i" not in page.tags
    assert "<script>alert('x')</script>&amp;.env" in page.text  # shown as written
    assert "big\\n<i>x</i>.json" in page.text  # the newline as a visible escape


def with_probe(report: ReadinessReport, probe: dict[str, object]) -> ReadinessReport:
    """`report` with an `rls_probe`, validated."""
    return ReadinessReport.model_validate({**report.model_dump(mode="json"), "rls_probe": probe})


def test_rls_matrix_colours_each_cell_and_escapes_names() -> None:
    document = to_html(with_probe(rich_report(), PROBE))
    page = Page(document)
    assert "public.<b>habits</b>" in page.text
    cells = [value for tag, name, value in page.attrs if tag == "td" and name == "class"]
    assert cells.count("cell-allowed") == 9 and cells.count("cell-denied") == 6
    assert cells.count("cell-error") == 1
    assert "Another signed-in user" in page.text
    assert rls_matrix(None) == ""
    unprobed = Page(rls_matrix({"probed": False, "reason": "no <postgres> binaries"})).text
    assert "Not probed: no <postgres> binaries" in unprobed
    assert "Row-level security" not in Page(to_html(rich_report())).text


def test_no_secret_value_from_a_real_inspection(tmp_path: Path) -> None:
    repo = materialize("bolt-vite-express", tmp_path / "bolt")
    report = run_audit(repo)
    document = to_html(report)
    values = []
    for found in report.facts.secrets:
        if found.in_working_tree and found.line:
            line = (repo / found.path).read_text(encoding="utf-8").splitlines()[found.line - 1]
            values += [
                token
                for token in re.findall(r"[A-Za-z0-9_\-+/=.]{16,}", line)
                if sum(c.isdigit() for c in token) >= 2
            ]
    assert len(values) >= 2  # the fixture does commit keys
    assert not [v for v in values if v in document]
    page = Page(document)
    assert {f.rule_id for f in report.findings} <= set(page.text.split())


def test_render_dispatches_and_the_cli_writes_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = rich_report()
    assert render(report, ReportFormat.HTML) == to_html(report)
    repo = materialize("flask-sqlite-login", tmp_path / "app")
    out_file = tmp_path / "report.html"
    with pytest.raises(SystemExit) as exited:
        main(["audit", str(repo), "--format", "html", "--output", str(out_file), "--no-history"])
    assert exited.value.code == 0
    out, err = capsys.readouterr()
    assert out == "" and "html report" in err
    document = out_file.read_text(encoding="utf-8")
    assert document.startswith("<!DOCTYPE html>") and "SEC005" in document


# ---------------------------------------------------------------------------- Chromium

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (scripts/setup.sh installs it)"
)


def chromium(tmp: Path, target: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={tmp / 'profile'}", "--virtual-time-budget=5000",
            *extra, target.as_uri(),
        ],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip


def page_requests(tmp: Path, target: Path) -> list[str]:
    """URLs the page itself asked for, from Chromium's network log (not the browser's own)."""
    log = tmp / f"{target.stem}.netlog.json"
    chromium(tmp, target, f"--log-net-log={log}", "--dump-dom")
    data = json.loads(log.read_text(encoding="utf-8"))
    start = data["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    jobs = [e.get("params", {}) for e in data["events"] if e["type"] == start]
    return [
        job["url"]
        for job in jobs
        if "url" in job
        and job.get("initiator") != "not an origin"  # Chromium's own services
        and not job["url"].startswith(("file:", "data:", "chrome"))
    ]


def png_pixels(png: bytes, rows: int) -> tuple[int, int, set[bytes]]:
    """Width, height and the distinct colours of the first `rows` rows of an 8-bit RGB(A) PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(png):
        (size,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + size]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + size
    raw, stride = zlib.decompress(idat), width * channels
    previous, colours = bytearray(stride), set()
    for y in range(min(rows, height)):
        row = raw[y * (stride + 1) : (y + 1) * (stride + 1)]
        kind, line = row[0], bytearray(row[1:])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        colours.update(bytes(line[x : x + 3]) for x in range(0, stride, channels * 4))
        previous = line
    return width, height, colours


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[ReadinessReport, Path, Path]:
    tmp = tmp_path_factory.mktemp("html")
    report = run_audit(materialize("lovable-vite-supabase", tmp / "lovable"))
    report = with_probe(report, PROBE)
    target = tmp / "report.html"
    target.write_text(to_html(report), encoding="utf-8")
    return report, target, tmp


@needs_chromium
def test_chromium_dom_has_every_finding(rendered: tuple[ReadinessReport, Path, Path]) -> None:
    report, target, tmp = rendered
    done = chromium(tmp, target, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    page = Page(done.stdout)
    assert report.findings
    for finding in report.findings:
        assert finding.rule_id in page.text and _flat(finding.title) in page.text
    assert "Row-level security, probed" in page.text
    assert not external_references(done.stdout)


@needs_chromium
def test_chromium_screenshot_is_a_coloured_page(
    rendered: tuple[ReadinessReport, Path, Path],
) -> None:
    report, target, tmp = rendered
    shot = tmp / "shot.png"
    done = chromium(tmp, target, f"--screenshot={shot}", "--window-size=1200,3000")
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    width, height, colours = png_pixels(shot.read_bytes(), rows=320)
    assert (width, height) == (1200, 3000)
    assert len(colours) > 50  # text, badges and bars, not a blank page
    assert report.score <= 40 and bytes((0xB3, 0x26, 0x1E)) in colours  # the red score disc


@needs_chromium
def test_chromium_makes_no_request_for_the_page(
    rendered: tuple[ReadinessReport, Path, Path],
) -> None:
    _, target, tmp = rendered
    # The control: the harness does see a page's loads (no CSP here to stop them).
    control = tmp / "control.html"
    control.write_text('<!DOCTYPE html><img src="http://example.test/x.png">', encoding="utf-8")
    assert page_requests(tmp, control) == ["http://example.test/x.png"]
    # Our page, even with its Content-Security-Policy taken out, asks for nothing.
    bare = tmp / "bare.html"
    bare.write_text(target.read_text(encoding="utf-8").replace(CSP, ""), encoding="utf-8")
    assert page_requests(tmp, bare) == []
    assert page_requests(tmp, target) == []
