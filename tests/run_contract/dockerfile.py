"""The generated Dockerfile read as the host must replay it: stages, their RUN steps in
order with WORKDIR, ENV and ARG defaults, the runtime's ENTRYPOINT + CMD, and image paths mapped to
folders of a temp copy (/app -> the build context copy, /opt/..., /usr/local/... -> a
private root), so nothing is installed on the machine itself.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

# Steps that change the machine rather than the app: the image's user, the OS's packages.
SKIPPED_RUN = re.compile(r"\b(groupadd|useradd|apt-get|apk add|chown)\b")
_ABS = re.compile(r"(?<![\w.$/-])(/app|/opt|/usr/local)(?=/|\b|$)")
_VAR = re.compile(r"\$(\w+)|\$\{(\w+)\}")


@dataclass
class Instruction:
    keyword: str
    args: str


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[Instruction] = field(default_factory=list)

    def copies_from(self) -> list[str]:
        found = (re.search(r"--from=(\S+)", i.args) for i in self.instructions)
        return [m.group(1) for m in found if m]


def parse(text: str) -> list[Stage]:
    """Stages in file order (continuation lines joined, comments dropped)."""
    stages: list[Stage] = []
    for raw in re.sub(r"\\\n", " ", text).splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = args.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else str(len(stages))
            stages.append(Stage(name, words[0]))
        elif stages:
            stages[-1].instructions.append(Instruction(keyword, args.strip()))
    return stages


def chain(stages: list[Stage], target: str) -> list[Stage]:
    """`target` and every stage it builds on or copies from, in file order."""
    by_name = {s.name: s for s in stages}
    needed: set[str] = set()
    todo = [target]
    while todo:
        name = todo.pop()
        if name in needed or name not in by_name:
            continue
        needed.add(name)
        todo += [by_name[name].base, *by_name[name].copies_from()]
    return [s for s in stages if s.name in needed]


class HostFs:
    """Image paths -> host paths: /app is the context copy, the rest a private root."""

    def __init__(self, app_dir: Path, root: Path) -> None:
        self.app_dir, self.root = app_dir, root

    def path(self, image_path: str, cwd: str = "/app") -> Path:
        full = image_path if image_path.startswith("/") else f"{cwd.rstrip('/')}/{image_path}"
        if full == "/app" or full.startswith("/app/"):
            return self.app_dir / full[len("/app") :].lstrip("/")
        return self.root / full.lstrip("/")

    def command(self, text: str) -> str:
        return _ABS.sub(lambda m: str(self.path(m.group(1))), text)


@dataclass
class Replay:
    """What the host runs for one target stage."""

    steps: list[tuple[str, str, dict[str, str]]]  # (cwd image path, shell command, ENV so far)
    workdir: str  # the target's WORKDIR
    env: dict[str, str]  # the target's ENV (values with image paths, $VARs unexpanded)
    argv: list[str]  # ENTRYPOINT + CMD
    copies: list[tuple[str | None, str, str, str]]  # (from stage, src, dest, workdir)


def _env_pairs(args: str) -> dict[str, str]:
    words = shlex.split(args)
    if len(words) == 2 and "=" not in words[0]:
        return {words[0]: words[1]}
    return dict(w.split("=", 1) for w in words if "=" in w)


def _exec_form(args: str) -> list[str]:
    try:
        value = json.loads(args)
    except ValueError:
        return ["/bin/sh", "-c", args]
    return [str(v) for v in value] if isinstance(value, list) else []


def replay(stages: list[Stage], target: str) -> Replay:
    """The RUN steps of `target`'s chain in order, each with its stage's WORKDIR and ENV."""
    by_name = {s.name: s for s in stages}
    state: dict[str, tuple[str, dict[str, str], list[str], list[str]]] = {}
    steps: list[tuple[str, str, dict[str, str]]] = []
    copies: list[tuple[str | None, str, str, str]] = []
    for stage in chain(stages, target):
        workdir, env, entry, cmd = state.get(stage.base, ("/", {}, [], []))
        env = dict(env)
        args: dict[str, str] = {}  # ARG defaults: the stage's later RUN steps see them
        for ins in stage.instructions:
            if ins.keyword == "WORKDIR":
                workdir = ins.args if ins.args.startswith("/") else f"{workdir}/{ins.args}"
            elif ins.keyword == "ENV":
                env.update(_env_pairs(ins.args))
            elif ins.keyword == "ARG" and "=" in ins.args:
                args.update(_env_pairs(ins.args))
            elif ins.keyword == "RUN":
                steps.append((workdir, ins.args, args | env))
            elif ins.keyword == "ENTRYPOINT":
                entry, cmd = _exec_form(ins.args), []
            elif ins.keyword == "CMD":
                cmd = _exec_form(ins.args)
            elif ins.keyword == "COPY" and stage.name == target:
                words = [w for w in ins.args.split() if not w.startswith("--")]
                source = re.search(r"--from=(\S+)", ins.args)
                for src in words[:-1]:
                    copies.append((source.group(1) if source else None, src, words[-1], workdir))
        state[stage.name] = (workdir, env, entry, cmd)
    workdir, env, entry, cmd = state[by_name[target].name]
    return Replay(steps, workdir, env, entry + cmd, copies)


def expand(value: str, env: dict[str, str]) -> str:
    return _VAR.sub(lambda m: env.get(m.group(1) or m.group(2), ""), value)
