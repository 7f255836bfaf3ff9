"""Files over the whole-read limit are streamed through the secret scan, not skipped."""

from __future__ import annotations

from pathlib import Path

from scaffolder.inspect import large_files
from scaffolder.inspect.files import LargeFile
from scaffolder.inspect.large_files import scan_large_file

STRIPE = "sk_live_" + "51HqLmP4rT8vWz1kB6nY3cDx"
AWS_ID = "AKIA" + "Q3ZB7RTW2QZK4M5N"


def _big(tmp_path: Path, name: str, body: bytes) -> LargeFile:
    (tmp_path / name).write_bytes(body)
    return LargeFile(path=name, size=len(body))


def test_a_secret_at_the_end_of_a_3mb_file_is_found_on_its_line(tmp_path: Path) -> None:
    filler = b"".join(b"INSERT INTO logs VALUES (%d, 'ok');\n" % i for i in range(90_000))
    line = filler.count(b"\n") + 1
    big = _big(tmp_path, "dump.sql", filler + f"-- STRIPE_SECRET_KEY={STRIPE}\n".encode())
    assert big.size > 3_000_000

    result = scan_large_file(tmp_path, big)
    assert [(f.path, f.line, f.detector.startswith("stripe")) for f in result.secrets] == [
        ("dump.sql", line, True)
    ]
    assert result.bytes_read == big.size
    assert STRIPE not in repr(result)


def test_a_secret_across_a_chunk_cut_in_one_long_line_is_found(tmp_path: Path) -> None:
    cut = large_files.CHUNK_BYTES
    body = b"x" * (cut - 10) + f'"{AWS_ID}"'.encode() + b"y" * 2_000_000
    result = scan_large_file(tmp_path, _big(tmp_path, "bundle.min.js", body))
    assert len(result.secrets) == 1 and result.secrets[0].line == 1


def test_secrets_are_found_in_every_chunk_and_counted_once(tmp_path: Path) -> None:
    block = b"a = 1\n" * 200_000  # 1.2 MB: every secret sits in a different chunk
    body = (f"K1={STRIPE}\n".encode() + block) * 3
    result = scan_large_file(tmp_path, _big(tmp_path, "notes.txt", body))
    assert [f.line for f in result.secrets] == [1, 200_002, 400_003]


def test_a_binary_file_is_not_read_past_its_first_bytes(tmp_path: Path) -> None:
    body = b"\x89PNG\0\0" + b"\0" * 2_000_000 + STRIPE.encode()
    result = scan_large_file(tmp_path, _big(tmp_path, "logo.dat", body))
    assert result.secrets == [] and result.bytes_read == 0


def test_the_repository_inspection_reports_streamed_secrets(tmp_path: Path) -> None:
    from scaffolder.inspect import inspect_repository

    filler = b"console.log('padding');\n" * 60_000
    (tmp_path / "export.js").write_bytes(filler + f'const key = "{STRIPE}";\n'.encode())
    facts = inspect_repository(tmp_path, scan_history=False)
    assert [(s.path, s.line) for s in facts.secrets] == [("export.js", 60_001)]
    assert not [w for w in facts.warnings if w.path == "export.js"]
