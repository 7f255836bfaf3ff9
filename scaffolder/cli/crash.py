"""What the user sees when scaffold itself fails: one sentence, a crash log, exit 70.

An exception no seam translated is a bug in scaffold, not something the user
did, so it gets neither a traceback on the terminal (that reads as "you broke
it") nor exit 1 (which means "a check failed"). The traceback goes to a crash
log under the user's state directory, with secret values masked: exception
messages carry URLs with passwords, and argv may hold --database-url.
"""

from __future__ import annotations

import os
import platform
import tempfile
import traceback
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from scaffolder.errors import InternalError
from scaffolder.redact import redact_text, state_dir

REPORT_HINT = (
    "Please report it to the scaffold maintainers with that file (secret values in it are "
    "masked) and the command you ran; `scaffold --debug ...` prints the traceback here."
)


def scrub(text: str, environ: Mapping[str, str] | None = None) -> str:
    """`text` with passwords in URLs, secret-looking fields and secret env values masked."""
    return redact_text(text, environ)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else "(no message)"


def crash_report(exc: BaseException, argv: list[str]) -> str:
    import scaffolder

    lines = [
        f"scaffold {scaffolder.__version__}, Python {platform.python_version()}, "
        f"{platform.platform()}",
        f"command: scaffold {' '.join(argv)}",
        f"at: {datetime.now(UTC).isoformat()}",
        "",
        *traceback.format_exception(exc),
    ]
    return scrub("\n".join(line.rstrip("\n") for line in lines)) + "\n"


def _write_private(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def write_crash_log(text: str, directory: Path | None = None) -> Path | None:
    """The crash log's path: the state dir, else a temp file, else None (nothing writable)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        return _write_private((directory or state_dir()) / f"crash-{stamp}-{os.getpid()}.log", text)
    except OSError:
        pass
    try:
        descriptor, name = tempfile.mkstemp(prefix="scaffold-crash-", suffix=".log")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        return Path(name)
    except OSError:
        return None


def unexpected_error(
    exc: BaseException,
    argv: list[str],
    *,
    write: Callable[[str], Path | None] = write_crash_log,
) -> InternalError:
    """The one-sentence error for an exception no seam translated; its details are logged."""
    where = write(crash_report(exc, argv))
    detail = f"The details are in {where}." if where else "No crash log could be written."
    return InternalError(
        f"scaffold hit an unexpected error: {type(exc).__name__}: {scrub(_first_line(exc))}",
        hint=f"{detail} {REPORT_HINT}",
    )
