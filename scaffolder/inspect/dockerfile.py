"""Is a Dockerfile fit for production, and if not, why not."""

from __future__ import annotations

import re

from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.index import basename
from scaffolder.inspect.lazy_regex import LazyRegex, lazy_regex
from scaffolder.inspect.manifests import parent_dir
from scaffolder.models import DockerfileFacts

_FROM = lazy_regex(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", re.I | re.M)
_USER = lazy_regex(r"^\s*USER\s+(\S+)", re.I | re.M)
_RUN_LINE = lazy_regex(r"^\s*(?:CMD|ENTRYPOINT)\s+(.+)$", re.I | re.M)
_DEV_SERVERS: tuple[tuple[LazyRegex, str], ...] = (
    (
        lazy_regex(r"\b(?:npm|pnpm|yarn|bun)[\"',\s]+(?:run[\"',\s]+)?dev\b"),
        "runs a dev server (npm run dev)",
    ),
    (
        lazy_regex(r"(?<![\w/.-])vite(?![\w.-])(?![\"',\s]*(?:build|preview))"),
        "runs the Vite dev server",
    ),
    (lazy_regex(r"\bnext[\"',\s]+dev\b"), "runs next dev"),
    (lazy_regex(r"\bflask[\"',\s]+run\b"), "runs flask run (the development server)"),
    (lazy_regex(r"--reload\b"), "runs with --reload (auto-reload is for development)"),
    (
        lazy_regex(r"\bmanage\.py[\"',\s]+runserver\b"),
        "runs manage.py runserver (the development server)",
    ),
    (lazy_regex(r"\bnodemon\b"), "runs nodemon"),
)
_NODE_INSTALL = lazy_regex(r"\b(npm|pnpm|yarn|bun)\s+(ci|install|i|add)\b([^\n&;]*)")
_PIP_TOOLS = frozenset({"pip", "setuptools", "wheel", "uv", "poetry", "pipenv"})
_PIP_INSTALL = lazy_regex(r"\bpip3?\s+install\b([^\n&;]*)")
_EXACT_PIN = lazy_regex(r"^['\"]?[A-Za-z0-9][\w.-]*(?:\[[\w,.-]+\])?===?[\w.!+-]+['\"]?$")


def _base_problems(text: str) -> list[str]:
    problems: list[str] = []
    stages: set[str] = set()
    for match in _FROM.finditer(text):
        image, alias = match.group(1), match.group(2)
        if alias:
            stages.add(alias.lower())
        if image.lower() in stages or image == "scratch" or image.startswith("$"):
            continue
        name = image.rsplit("/", 1)[-1]
        if "@sha256:" in image:
            continue
        if ":" not in name or name.endswith(":latest"):
            problems.append(f"unpinned base image {image} (latest)")
    return problems


def _install_problems(text: str, has_node_lockfile: bool) -> list[str]:
    problems: list[str] = []
    # With no lockfile to install from, `npm install` is the only choice; the missing
    # lockfile is its own finding, and this one would send the user in a circle.
    for match in _NODE_INSTALL.finditer(text if has_node_lockfile else ""):
        tool, verb, rest = match.groups()
        frozen = verb == "ci" or "--frozen-lockfile" in rest or "--immutable" in rest
        # A global install puts a tool (pnpm, a CLI) on the PATH; it has no lockfile.
        is_global = bool({"-g", "--global"} & set(rest.split()))
        if verb in {"install", "i"} and not frozen and not is_global:
            problems.append(
                f"installs with `{tool} {verb}` instead of the lockfile ({tool} ci / frozen)"
            )
            break
    for match in _PIP_INSTALL.finditer(text):
        args = match.group(1).split()
        if {"-r", "--requirement", "-e", "."} & set(args):
            continue
        names = [a for a in args if not a.startswith("-")]
        # An exact pin (`gunicorn==23.0.0`, a server the app's requirements may lack)
        # is as reproducible as a lockfile line; a bare or ranged name is not.
        loose = [
            n
            for n in names
            if re.split(r"[=<>~\[]", n)[0].lower() not in _PIP_TOOLS and not _EXACT_PIN.match(n)
        ]
        if loose:
            problems.append("pip installs packages by name, not from a requirements or lock file")
            break
    return problems


def inspect_dockerfile(source: SourceFile, *, has_node_lockfile: bool = True) -> DockerfileFacts:
    text = re.sub(r"\\\n", " ", source.text)  # join continuation lines
    problems = _base_problems(text)
    commands = " ".join(m.group(1) for m in _RUN_LINE.finditer(text))
    for pattern, problem in _DEV_SERVERS:
        if pattern.search(commands):
            problems.append(problem)
    users = [u.lower() for u in _USER.findall(text)]
    if not users or users[-1] in {"root", "0", "0:0"}:
        problems.append("no USER: the container runs as root")
    problems.extend(_install_problems(text, has_node_lockfile))
    return DockerfileFacts(
        path=source.path,
        app_root=parent_dir(source.path),
        production_grade=not problems,
        problems=problems,
    )


def is_dockerfile(path: str) -> bool:
    name = basename(path)
    return name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".Dockerfile")
