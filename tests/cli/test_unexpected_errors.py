"""No traceback, ever: an exception no seam translated prints one sentence, writes a
crash log (secrets masked) and exits 70; SIGTERM/SIGHUP clean up like Ctrl-C."""

from __future__ import annotations

import os
import signal
import tempfile
from pathlib import Path

import pytest
import typer

from scaffolder.cli.crash import scrub, write_crash_log
from scaffolder.cli.signals import Terminated, signals_as_interrupts
from scaffolder.errors import EXIT_CODES, InternalError
from tests.cli.entry import exit_code

PASSWORD = "hunter2-correct-horse"


def _failing_app(error: BaseException, cleaned: list[str] | None = None) -> typer.Typer:
    cli = typer.Typer()

    @cli.command()
    def boom(url: str = typer.Argument("")) -> None:
        try:
            raise error
        finally:
            if cleaned is not None:
                cleaned.append("cleanup ran")

    @cli.command()
    def other() -> None:  # two commands, so Typer keeps the command name
        """Unused."""

    return cli


def test_an_unexpected_error_is_one_sentence_a_crash_log_and_exit_70(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("SCAFFOLD_DATABASE_URL", f"postgresql://app:{PASSWORD}@db/app")
    error = ValueError(f"could not use postgresql://app:{PASSWORD}@db.internal/app\nsecond line")

    code = exit_code(["boom", f"postgresql://app:{PASSWORD}@db/app"], _failing_app(error))

    err = capsys.readouterr().err
    assert code == InternalError.exit_code == 70 and 70 in EXIT_CODES
    assert "scaffold hit an unexpected error: ValueError: could not use" in err
    assert "Traceback" not in err and "second line" not in err and PASSWORD not in err
    logs = list((tmp_path / "state" / "scaffold").glob("crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err.replace("\n", "")
    assert "report it" in err
    text = logs[0].read_text()
    assert "Traceback (most recent call last)" in text and "ValueError" in text
    assert PASSWORD not in text
    assert oct(logs[0].stat().st_mode & 0o777) == "0o600"


def test_with_debug_the_traceback_is_shown_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    code = exit_code(["--debug", "boom"], _debug_app(ZeroDivisionError("boom")))
    err = capsys.readouterr().err
    assert code == 70
    assert "Traceback (most recent call last)" in err and "ZeroDivisionError" in err


def _debug_app(error: BaseException) -> typer.Typer:
    cli = _failing_app(error)

    @cli.callback()
    def _root(debug: bool = typer.Option(False, "--debug")) -> None:
        """Global options, as the real app has."""

    return cli


def test_an_unwritable_state_dir_falls_back_to_a_temp_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    written = write_crash_log("details", directory=blocker)
    assert written is not None and written.parent == Path(tempfile.gettempdir())
    try:
        assert written.read_text() == "details"
    finally:
        written.unlink()


def test_recursion_anywhere_is_bad_input_not_a_crash(capsys: pytest.CaptureFixture[str]) -> None:
    assert exit_code(["boom"], _failing_app(RecursionError("too deep"))) == 3
    assert "nested too deeply" in capsys.readouterr().err


def test_scrub_masks_url_passwords_fields_and_secret_env_values() -> None:
    text = (
        f"postgresql://u:{PASSWORD}@h/db password={PASSWORD} "
        '{"api_key": "abcdefghijklmnop"} plain words stay TOKENVALUE123'
    )
    out = scrub(text, {"GITHUB_TOKEN": "TOKENVALUE123", "HOME": "/root"})
    assert PASSWORD not in out and "abcdefghijklmnop" not in out and "TOKENVALUE123" not in out
    assert "plain words stay" in out and "postgresql://u:" in out


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_run_cleanup_and_exit_130(
    signum: int, capsys: pytest.CaptureFixture[str]
) -> None:
    cleaned: list[str] = []
    cli = typer.Typer()

    @cli.command()
    def work() -> None:
        try:
            os.kill(os.getpid(), signum)
        finally:
            cleaned.append("cleanup ran")

    @cli.command()
    def other() -> None:
        """Unused."""

    previous = signal.getsignal(signum)
    assert exit_code(["work"], cli) == 130
    assert cleaned == ["cleanup ran"]
    assert f"Stopped by {signal.Signals(signum).name}" in capsys.readouterr().err
    assert signal.getsignal(signum) == previous  # main() restores the handlers


def test_a_second_signal_does_not_interrupt_the_cleanup() -> None:
    steps: list[str] = []
    with pytest.raises(Terminated), signals_as_interrupts():
        try:
            os.kill(os.getpid(), signal.SIGTERM)
        finally:
            os.kill(os.getpid(), signal.SIGTERM)  # ignored while cleaning up
            steps.append("cleanup finished")
    assert steps == ["cleanup finished"]
