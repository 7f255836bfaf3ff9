"""Secrets in the working tree: provider keys, private keys, database URLs with a
password, Supabase service-role keys, hard-coded framework secrets, fallbacks,
and the values of committed .env files.

Only `redact` and `fingerprint` ever see a value; findings carry the preview
and the hash. Decisions (what counts, what is skipped) are in
docs/decisions/0002-secret-scanner.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scaffolder.inspect.anchors import Presence
from scaffolder.inspect.credential_docs import credential_lines, is_document
from scaffolder.inspect.env_files import (
    basename,
    env_secret_values,
    is_env_file_name,
    is_example_env_name,
)
from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.jwt import JWT_RE, jwt_role
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.inspect.not_secrets import is_masked, is_prose, is_storage_slot
from scaffolder.inspect.patterns import (
    ALL_DETECTORS,
    DB_SCHEME_RE,
    DB_URL_DETECTORS,
    DB_URL_RE,
    LOCAL_HOSTS,
    SCANNED_CODE_SUFFIXES,
    SECRET_NAME_RE,
    Detector,
    Tier,
    is_placeholder,
)
from scaffolder.models import SecretFinding, SecretKind
from scaffolder.redact import fingerprint, redact

_TEST_DIRS = frozenset(
    [
        "test",
        "tests",
        "__tests__",
        "spec",
        "specs",
        "fixtures",
        "__fixtures__",
        "__mocks__",
        "testdata",
        "e2e",
        "cypress",
    ]
)
_TEST_NAME_RE = lazy_regex(r"^(?:test_.*\.py|.*_test\.py|conftest\.py|.*\.(?:test|spec)\.\w+)$")
# A quoted 40-character base64 string a few lines from an AWS key id is its secret.
_AWS_SECRET_NEAR_RE = lazy_regex(r"['\"](?P<v>[A-Za-z0-9/+]{40})['\"]")
_AWS_NEAR_LINES = 3
# "${JWT_SECRET}", "{settings.secret}", "{{ secret }}", "JWT_SECRET": not literal secrets.
_REFERENCE_RE = lazy_regex(r"\$\{?\w+\}?|\{\{?[^{}]*\}\}?|[A-Z][A-Z0-9]*_[A-Z0-9_]+")


@dataclass(frozen=True)
class _Hit:
    detector: str
    kind: SecretKind
    description: str
    tier: Tier
    line: int
    value: str
    preview: str | None = None  # set when the default redact(value) says too little


def is_test_path(path: str) -> bool:
    parts = path.split("/")
    return bool(_TEST_DIRS.intersection(parts[:-1])) or bool(_TEST_NAME_RE.match(parts[-1]))


# Literals that make a verdict depend on more than one line: multi-line matches
# (private keys, `jwt.sign({...}, "x")`, `app.config.update(...)`), an AWS secret
# found near its key id, a Firebase config that makes a Google key public, a
# pydantic BaseSettings class. Every other detector decides on one line alone,
# which lets the history scan read only the lines a file version added.
WHOLE_FILE_ANCHORS = (
    b"PRIVATE KEY",
    b"AKIA",
    b"ASIA",
    b"AIza",
    b"BaseSettings",
    b"jwt.",
    b".config.",
)


def line_kind(path: str) -> bool | None:
    """Whether scan_text reads this path's lines as code (True) or not (False).

    None for files it reads as a whole (env files, documents): no line of those
    can be judged alone.
    """
    if is_document(path) or (is_env_file_name(path) and not is_test_path(path)):
        return None
    return _suffix(path) in SCANNED_CODE_SUFFIXES and not is_test_path(path)


def _suffix(path: str) -> str:
    name = basename(path)
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _name_echo(name: str, value: str) -> bool:
    """ACCESS_TOKEN = "accessToken": a storage key that names the secret, not a secret."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z_.:-]*", value):
        return False
    squash = value.replace("_", "").replace("-", "").replace(".", "").replace(":", "").lower()
    return squash in name.replace("_", "").lower()


def _name_before(text: str, start: int, last_word: str) -> str:
    """JWT_SECRET from the match "SECRET": the rest of the name sits left of the match."""
    left = start
    while left > 0 and (
        text[left - 1].isupper() or text[left - 1].isdigit() or text[left - 1] == "_"
    ):
        left -= 1
    if left > 0 and (text[left - 1].isalpha()):
        return ""  # part of a longer, mixed-case identifier: not a constant's name
    return text[left:start] + last_word


def _variable(detector: Detector, match: re.Match[str], text: str) -> str:
    groups = match.groupdict()
    if groups.get("kw"):
        return _name_before(text, match.start(), groups["kw"])
    return groups.get("name") or groups.get("name2") or ""


_AUTH_PROVIDER_SECRET_RE = lazy_regex(r"(?:^|_)AUTH_[A-Z0-9]+_SECRET$")


def _accept_generic(var: str, value: str) -> bool:
    if not SECRET_NAME_RE.search(var) or _name_echo(var, value):
        return False
    # A signing secret works with any literal (so it ships); an API key, a password
    # or an OAuth client secret (GOOGLE_CLIENT_SECRET, Auth.js's AUTH_GOOGLE_SECRET)
    # that is a placeholder simply does not work.
    return _signing_secret(var) or not is_placeholder(value)


def _signing_secret(var: str) -> bool:
    upper = var.upper()
    oauth_client = "CLIENT_SECRET" in upper or bool(_AUTH_PROVIDER_SECRET_RE.search(upper))
    return "SECRET" in upper and not oauth_client


def _known_public(name: str, value: str, text: str) -> bool:
    # AWS's documented example keys; a Firebase web config's key is public by design.
    return (name.startswith("aws-") and "EXAMPLE" in value) or (
        name == "google-api-key" and "authDomain" in text
    )


def _bad_start(detector: Detector, match: re.Match[str], text: str) -> bool:
    """The left edge a leading \\b or ^ would have checked (see patterns.py)."""
    start = match.start()
    if detector.name == "django-secret-key":
        line_start = text.rfind("\n", 0, start) + 1
        return bool(text[line_start:start].strip())
    if not detector.boundary or start == 0:
        return False
    before = text[start - 1]
    return before.isalnum() or before in "_-"


def _accept(detector: Detector, match: re.Match[str], text: str, path: str = "") -> str | None:
    """The detector name to report, or None when this match is not a secret."""
    value = match["v"]
    name = detector.name
    if _bad_start(detector, match, text):
        return None
    if detector.tier == Tier.SPECIFIC:
        masked = name != "private-key" and is_masked(value)
        return None if masked or _known_public(name, value, text) else name
    if value.strip() != value or _REFERENCE_RE.fullmatch(value):
        return None  # a reference to a variable, an interpolation, or the variable's name
    if detector.tier == Tier.GENERIC and (
        not _accept_generic(_variable(detector, match, text), value) or is_prose(value)
    ):
        return None
    if name == "express-session-secret" and match[0].startswith("secret"):
        before = text[max(0, match.start() - 300) : match.start()]
        if not re.search(r"\b(?:session|cookieSession)\(", before):
            name = "hardcoded-secret"
    if name == "hardcoded-secret" and is_storage_slot(path, value, text):
        return None
    return name


def _key_body(body: str) -> str:
    """A PEM body without the line breaks (real or JSON-escaped) around it."""
    return body.replace("\\n", "\n").strip()


def _detector_hits(path: str, text: str) -> list[_Hit]:
    code = _suffix(path) in SCANNED_CODE_SUFFIXES and not is_test_path(path)
    presence = Presence(text)
    hits: list[_Hit] = []
    for detector in ALL_DETECTORS:
        if detector.code_only and not code:
            continue
        if detector.anchors and not presence.any_of(detector.anchors, detector.fold_case):
            continue
        for match in detector.regex.finditer(text):
            name = _accept(detector, match, text, path)
            if name is not None:
                line = _line_of(text, match.start("v") if name != "private-key" else match.start())
                value = _key_body(match["v"]) if name == "private-key" else match["v"]
                hits.append(
                    _Hit(name, detector.kind, detector.description, detector.tier, line, value)
                )
    return hits


def _aws_near_hits(text: str, hits: list[_Hit]) -> list[_Hit]:
    """The secret of an AWS key pair, when it sits near the key id under any name."""
    ids = [h.line for h in hits if h.detector == "aws-access-key-id"]
    if not ids or any(h.detector == "aws-secret-access-key" for h in hits):
        return []
    lines = text.splitlines()
    found: list[_Hit] = []
    for id_line in ids:
        for number in range(max(1, id_line - _AWS_NEAR_LINES), id_line + _AWS_NEAR_LINES + 1):
            if number > len(lines):
                break
            for match in _AWS_SECRET_NEAR_RE.finditer(lines[number - 1]):
                if "EXAMPLE" not in match["v"]:
                    found.append(
                        _Hit(
                            "aws-secret-access-key",
                            SecretKind.PROVIDER_KEY,
                            "AWS secret access key",
                            Tier.SPECIFIC,
                            number,
                            match["v"],
                        )
                    )
    return found


def _jwt_hits(text: str) -> list[_Hit]:
    hits = []
    for match in JWT_RE.finditer(text):
        if jwt_role(match[0]) == "service_role":
            hits.append(
                _Hit(
                    "supabase-service-role-key",
                    SecretKind.SUPABASE_SERVICE_ROLE,
                    "Supabase service-role key (bypasses row level security)",
                    Tier.SPECIFIC,
                    _line_of(text, match.start()),
                    match[0],
                )
            )
    return hits


def _db_url_hits(text: str) -> list[_Hit]:
    hits = []
    for match in DB_URL_RE.finditer(text):
        head = DB_SCHEME_RE.search(text, max(0, match.start() - 40), match.start())
        if head is None:
            continue  # https://user:pass@... and other schemes are not databases
        password, user, host = match["v"], match["user"], match["host"].lower()
        if host in LOCAL_HOSTS or host.startswith("127.") or host.endswith(".local"):
            continue  # a database on the developer's machine or in docker compose
        if password == user or is_placeholder(password, weak=True) or "your" in host:
            continue
        scheme = head["scheme"]
        hits.append(
            _Hit(
                DB_URL_DETECTORS[scheme],
                SecretKind.DATABASE_URL,
                f"{scheme} connection URL with a password",
                Tier.SPECIFIC,
                _line_of(text, match.start()),
                password,
                preview=f"{scheme}://{user}:{redact(password)}@{match['host']}",
            )
        )
    return hits


def _env_file_hits(path: str, text: str) -> list[_Hit]:
    example = is_example_env_name(path)
    return [
        _Hit(
            "env-file-secret",
            SecretKind.ENV_FILE,
            f"{key} has a value in a committed env file",
            Tier.GENERIC,
            number,
            value,
        )
        for number, key, value in env_secret_values(text, example=example)
    ]


def _credential_document_hits(path: str, text: str) -> list[_Hit]:
    return [
        _Hit(
            "credential-document",
            SecretKind.CREDENTIAL_DOCUMENT,
            "An app account's password written in a document",
            Tier.GENERIC,
            number,
            value,
        )
        for number, value in credential_lines(path, text)
    ]


def _dedupe(hits: list[_Hit]) -> list[_Hit]:
    """Per line, keep the most specific detector's hits, each value once."""
    best: dict[int, Tier] = {}
    for hit in hits:
        best[hit.line] = max(best.get(hit.line, Tier.GENERIC), hit.tier)
    seen: set[tuple[int, str]] = set()
    kept = []
    for hit in sorted(hits, key=lambda h: (h.line, -h.tier)):
        key = (hit.line, hit.value)
        if hit.tier == best[hit.line] and key not in seen:
            seen.add(key)
            kept.append(hit)
    return kept


def scan_text(path: str, text: str) -> list[SecretFinding]:
    """Every secret in one file's text, most specific detector per line."""
    hits = _detector_hits(path, text)
    hits += _aws_near_hits(text, hits)
    if "eyJ" in text:
        hits += _jwt_hits(text)
    if "://" in text:
        hits += _db_url_hits(text)
    if is_env_file_name(path) and not is_test_path(path):
        hits += _env_file_hits(path, text)
    if is_document(path):
        hits += _credential_document_hits(path, text)
    return [
        SecretFinding(
            kind=hit.kind,
            detector=hit.detector,
            description=hit.description,
            path=path,
            line=hit.line,
            preview=hit.preview or redact(hit.value),
            fingerprint=fingerprint(hit.value),
        )
        for hit in _dedupe(hits)
    ]


def scan_tree_secrets(files: list[SourceFile]) -> list[SecretFinding]:
    """Secrets in the working tree's text files, sorted by path and line."""
    findings: list[SecretFinding] = []
    for source in files:
        findings.extend(scan_text(source.path, source.text))
    findings.sort(key=lambda f: (f.path, f.line or 0, f.detector))
    return findings
