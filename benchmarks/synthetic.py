"""Build a large synthetic prototype repository for benchmarks/bench_audit.py.

Deterministic for a given seed: the same tree, history and planted secrets.
Planted secrets are random strings in the exact shape of the provider's keys,
built at run time (none is real, and none is stored in this file).
"""

from __future__ import annotations

import os
import random
import string
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
UPPER = string.ascii_uppercase + string.digits

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
}


@dataclass(frozen=True)
class Planted:
    path: str
    line: int
    label: str  # what it is, for the report: "openai", "aws-id", ...
    history_only: bool = False


@dataclass
class Synthetic:
    root: Path
    tracked_files: int = 0
    tracked_bytes: int = 0
    ignored_files: int = 0
    commits: int = 0
    planted: list[Planted] = field(default_factory=list)


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=root,
        env=GIT_ENV,
        check=True,
        capture_output=True,
    )


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)

    def s(self, n: int, alphabet: str = ALNUM) -> str:
        return "".join(self.rnd.choice(alphabet) for _ in range(n))

    def ident(self) -> str:
        words = [
            "user",
            "task",
            "item",
            "order",
            "list",
            "cart",
            "price",
            "token",
            "auth",
            "page",
            "view",
            "form",
            "data",
            "store",
        ]
        return (
            self.rnd.choice(words) + self.rnd.choice(words).title() + str(self.rnd.randint(0, 99))
        )

    def ts_chunk(self) -> str:
        a, b, c = self.ident(), self.ident(), self.ident()
        return (
            f"import {{ {a} }} from './{b}';\n"
            f"const API_URL = process.env.API_URL || 'http://localhost:3000';\n"
            f"export function {c}(input: string): string {{\n"
            f"  const token = localStorage.getItem('token');\n"
            f"  const el = document.querySelector('.task-{a.lower()}');\n"
            f"  if (!token) {{ return `${{API_URL}}/login?next=${{input}}`; }}\n"
            f"  return {a}(input) + String(el?.textContent ?? '');\n"
            f"}}\n\n"
        )

    def py_chunk(self) -> str:
        a, b = self.ident(), self.ident()
        return (
            f"def {a.lower()}(request, {b.lower()}=None):\n"
            f"    secret_name = os.environ.get('SECRET_NAME', 'app')\n"
            f"    items = [x for x in range({self.rnd.randint(2, 50)}) if x % 3]\n"
            f"    return {{'id': {self.rnd.randint(1, 9999)}, 'items': items,"
            f" 'name': secret_name}}\n\n"
        )

    def json_chunk(self) -> str:
        return (
            f'  "{self.ident()}": {{\n'
            f'    "version": "{self.rnd.randint(0, 9)}.{self.rnd.randint(0, 30)}.0",\n'
            f'    "integrity": "sha512-{self.s(86, ALNUM + "+/")}==",\n'
            f'    "resolved": "https://registry.npmjs.org/x/-/x-1.0.0.tgz"\n'
            f"  }},\n"
        )

    def md_chunk(self) -> str:
        return (
            f"## {self.ident()}\n\nRun `npm run dev` and open http://localhost:5173. Set "
            f"`API_KEY` in your environment (see .env.example). Commit {self.s(40, HEX)}.\n\n"
        )

    def css_chunk(self) -> str:
        return f".task-{self.ident().lower()} {{ color: #{self.s(6, HEX)}; margin: 0 auto; }}\n"


_KINDS = (
    (".ts", "ts_chunk"),
    (".tsx", "ts_chunk"),
    (".js", "ts_chunk"),
    (".py", "py_chunk"),
    (".json", "json_chunk"),
    (".md", "md_chunk"),
    (".css", "css_chunk"),
)


def _secret_lines(gen: _Gen) -> list[tuple[str, str, str]]:
    """(label, file suffix, line) for each planted secret: each tool's home turf."""
    return [
        ("aws-access-key-id", ".js", f"const awsId = '{'AK' + 'IA'}{gen.s(16, UPPER)}';"),
        ("openai", ".py", f"OPENAI_API_KEY = '{'sk-' + 'proj-'}{gen.s(100)}'"),
        ("anthropic", ".ts", f"const k = '{'sk-ant-' + 'api03-'}{gen.s(93, ALNUM + '-_')}AA';"),
        ("stripe", ".py", f"stripe.api_key = '{'sk_' + 'live_'}{gen.s(99)}'"),
        ("github", ".js", f"const gh = '{'gh' + 'p_'}{gen.s(36)}';"),
        ("slack", ".ts", f"const slack = '{'xo' + 'xb-'}{gen.s(12, '0123456789')}-{gen.s(24)}';"),
        ("sendgrid", ".js", f"sg.setApiKey('{'S' + 'G.'}{gen.s(22)}.{gen.s(43)}');"),
        ("private-key", ".js", f"const pem = '{'-----BEGIN ' + 'RSA PRIVATE KEY-----'}\\n"
                               f"{gen.s(64, ALNUM + '+/')}\\n-----END RSA PRIVATE KEY-----';"),
        ("postgres-url", ".py",
         f"DATABASE_URL = 'postgresql://app:{gen.s(24)}@prod-db.cluster-{gen.s(10).lower()}"
         ".us-east-1.rds.amazonaws.com:5432/app'"),
        ("django-secret", ".py", f"SECRET_KEY = 'django-insecure-{gen.s(50)}'"),
        ("express-session", ".js",
         f"app.use(session({{ secret: '{gen.s(20)}', resave: false }}));"),
        ("fallback", ".ts", f"const s = process.env.JWT_SECRET || '{gen.s(16)}';"),
    ]  # fmt: skip


def _write_tree(root: Path, gen: _Gen, files: int, total_bytes: int, syn: Synthetic) -> list[str]:
    avg = max(200, total_bytes // max(files, 1))
    paths = []
    for i in range(files):
        suffix, method = _KINDS[i % len(_KINDS)]
        rel = f"src/mod{i % 40:02d}/sub{(i // 40) % 25:02d}/file{i:05d}{suffix}"
        # mu = -sigma^2 / 2 makes the mean size `avg`, so --mb is the tree's real size.
        target = min(900_000, int(gen.rnd.lognormvariate(-0.32, 0.8) * avg))
        chunk = getattr(gen, method)
        parts, size = [], 0
        while size < target:
            piece = chunk()
            parts.append(piece)
            size += len(piece)
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(parts))
        syn.tracked_bytes += size
        paths.append(rel)
    syn.tracked_files = files
    return paths


def _plant(root: Path, rel: str, line: str) -> int:
    """Append `line` to a file; returns its line number."""
    path = root / rel
    text = path.read_text() if path.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + line + "\n")
    return text.count("\n") + 1


def _write_node_modules(root: Path, gen: _Gen, count: int) -> None:
    body = "module.exports = function () { return process.env.NODE_ENV || 'development'; };\n" * 20
    for i in range(count):
        path = root / "node_modules" / f"pkg{i // 100:04d}" / f"lib{i % 100:02d}.js"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)


def build(
    root: Path, *, files: int, megabytes: int, node_modules: int, commits: int, seed: int = 7
) -> Synthetic:
    """Write the repository at `root` (must not exist) and commit its history."""
    gen = _Gen(seed)
    root.mkdir(parents=True)
    syn = Synthetic(root=root)
    (root / ".gitignore").write_text("node_modules/\ndist/\n.env.local\n")
    (root / "package.json").write_text('{"name": "bench-app", "private": true}\n')
    paths = _write_tree(root, gen, files, megabytes * 1_000_000, syn)
    _write_node_modules(root, gen, node_modules)
    syn.ignored_files = node_modules
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "initial import")
    syn.commits = 1
    secrets = _secret_lines(gen)
    by_suffix = {s: [p for p in paths if p.endswith(s)] for s in {x[1] for x in secrets}}
    # Half of the planted secrets stay in the tree, the other half live only in history.
    history_only = {label for i, (label, _, _) in enumerate(secrets) if i % 2}
    pending_removal: dict[int, tuple[str, str]] = {}
    for n in range(1, max(commits, len(secrets) + 2)):
        touched = [gen.rnd.choice(paths) for _ in range(3)]
        for rel in touched:
            _plant(root, rel, f"// change {n}" if not rel.endswith(".py") else f"# change {n}")
        if n <= len(secrets):
            label, suffix, line = secrets[n - 1]
            rel = gen.rnd.choice(by_suffix[suffix]).replace(suffix, f"_cfg{n}{suffix}")
            number = _plant(root, rel, line)
            touched.append(rel)
            syn.planted.append(Planted(rel, number, label, label in history_only))
            if label in history_only:
                pending_removal[n + 5] = (rel, label)
        if n in pending_removal:
            rel, _ = pending_removal.pop(n)
            (root / rel).unlink()
            _git(root, "rm", "-q", "--cached", rel)
        _git(root, "add", "--", *[t for t in touched if (root / t).exists()])
        _git(root, "commit", "-q", "-m", f"change {n}")
        syn.commits += 1
    if pending_removal:  # a short history: take the rest out in one last commit
        for rel, _ in pending_removal.values():
            (root / rel).unlink()
            _git(root, "rm", "-q", "--cached", rel)
        _git(root, "commit", "-q", "-m", "remove leftovers")
        syn.commits += 1
    return syn
