"""`scaffold audit` end to end through the real entry point: streams, formats, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffolder.cli.app import main
from tests.support.prototypes import materialize


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    out, err = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), out, err


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return materialize("next-pages-prisma-sqlite", tmp_path_factory.mktemp("audit") / "blog")


def test_json_goes_to_stdout_and_the_summary_to_stderr(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["audit", str(repo), "--format", "json"], capsys)
    assert code == 0
    report = json.loads(out)
    assert report["schema_version"] == "1"
    assert {"DATA001", "DATA004"} <= {f["rule_id"] for f in report["findings"]}
    assert set(report["estimated_monthly_cost_usd"]) == {"dev", "staging", "prod"}
    assert f"Score {report['score']}/100" in err and "Auditing" in err


def test_text_is_the_default_format(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["audit", str(repo)], capsys)
    assert code == 0
    assert "Production readiness" in out and "Launch plan" in out and "DATA004" in out


@pytest.mark.parametrize(
    ("fmt", "marker"), [("markdown", "# Production readiness"), ("sarif", '"2.1.0"')]
)
def test_markdown_and_sarif(
    repo: Path, capsys: pytest.CaptureFixture[str], fmt: str, marker: str
) -> None:
    code, out, _ = run(["audit", str(repo), "-f", fmt], capsys)
    assert code == 0 and marker in out


def test_fail_under_exits_1_after_writing_the_report(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["audit", str(repo), "--format", "json", "--fail-under", "100"], capsys)
    assert code == 1
    score = json.loads(out)["score"]
    assert f"The readiness score {score} is under --fail-under 100." in err
    assert "Traceback" not in err
    code, _, _ = run(["audit", str(repo), "--format", "json", "--fail-under", "0"], capsys)
    assert code == 0


def test_fail_under_outside_0_to_100_is_a_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["audit", str(repo), "--fail-under", "101"], capsys)
    assert code == 2 and out == ""


def test_unknown_format_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(["audit", str(repo), "--format", "yaml"], capsys)
    assert code == 2


def test_missing_path_exits_3_with_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["audit", str(tmp_path / "nope")], capsys)
    assert code == 3 and out == ""
    assert "does not exist" in err and "Traceback" not in err


def test_a_file_instead_of_a_folder_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "package.json"
    target.write_text("{}", encoding="utf-8")
    code, out, err = run(["audit", str(target)], capsys)
    assert code == 3 and out == "" and "not a folder" in err


def test_output_writes_the_file_and_nothing_to_stdout(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.sarif"
    code, out, err = run(["audit", str(repo), "--format", "sarif", "--output", str(target)], capsys)
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert str(target) in err
    text_file = tmp_path / "report.txt"
    run(["audit", str(repo), "-o", str(text_file)], capsys)
    text = text_file.read_text(encoding="utf-8")
    assert "Launch plan" in text and "\x1b[" not in text


def test_output_that_cannot_be_written_is_a_usage_error(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["audit", str(repo), "-o", str(tmp_path / "no" / "dir" / "r.json")], capsys)
    assert code == 2 and "Cannot write the report" in err


def test_no_history_is_reported(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["audit", str(repo), "--format", "json", "--no-history"], capsys)
    assert code == 0 and "history skipped" in err
    assert "SEC012" in {f["rule_id"] for f in json.loads(out)["findings"]}


def test_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["audit", "--help"], capsys)
    assert code == 0
    assert "Examples" in out and "--fail-under 70" in out and "-f sarif" in out
