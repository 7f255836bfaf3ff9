"""Issue 9's done-when on real prototypes: `scaffold init` + `scaffold plan staging|prod`.

    .venv/bin/python scripts/check-real-prototypes.py
    .venv/bin/python scripts/check-real-prototypes.py --only supabase --keep /tmp/protos

For each `owner/name commit` of benchmarks/real-prototypes.txt: clone the
fetched snapshot (<mirror>/<owner>+<name>/repo) into a temporary folder at that
commit, point its origin at github.com/<owner>/<name> (as a user's clone is),
run `scaffold init DIR --defaults --allow-dirty --data project_name=<33
characters>`, then `scaffold plan ENV --json` for staging and prod, and check
every planned resource:

- it has `inputs` (a non-empty object);
- when AWS names its type (tests/stacks/aws_name_limits.py), it has a
  `physical_name`, that name is the one its inputs send (or Pulumi's
  `<logical>-xxxxxxx`), and it passes AWS's length, characters and forbidden
  prefixes; other named inputs there (a role's description...) likewise;
- a type neither named nor listed as unnamed there is a problem (unchecked);
- no two resources of a type AWS names per account get the same name.

One line per prototype, then a summary. Exit 0 when every prototype was
initialised and planned without a problem; 1 on any problem or rejected init;
2 when a listed snapshot is missing. Stdlib and this repository's modules only.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.stacks import aws_name_limits as aws  # noqa: E402

SCAFFOLD = str(Path(sys.executable).parent / "scaffold")
LIST = REPO / "benchmarks" / "real-prototypes.txt"
MIRROR = Path("/work/.mirror")
ENVS = ("staging", "prod")
PROJECT_LENGTH = 33
FILLER = "-renamed-for-a-long-project-name-check"
TIMEOUT = 600
AUTONAME = "-xxxxxxx"
APP_TYPES = {"aws:ecs/service:Service", "aws:cloudfront/distribution:Distribution"}

# Inputs that scope a name to a parent: the name must be unique only within it.
SCOPES = {
    "aws:iam/rolePolicy:RolePolicy": "role",
    "aws:cloudwatch/eventTarget:EventTarget": "rule",
    "aws:backup/selection:Selection": "planId",
    "aws:backup/restoreTestingSelection:RestoreTestingSelection": "restoreTestingPlanName",
    "aws:ecs/service:Service": "cluster",
    "aws:appautoscaling/policy:Policy": "resourceId",
    "aws:ec2/securityGroup:SecurityGroup": "vpcId",
}


@dataclass(frozen=True)
class Prototype:
    repo: str  # owner/name
    commit: str
    shape: str


@dataclass
class Outcome:
    prototype: Prototype
    project: str = ""
    rejected: str = ""  # init's one-line error
    missing: str = ""  # no snapshot to clone
    resources: Counter[str] = field(default_factory=Counter)  # per env
    names: int = 0
    autonamed: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # findings that are not name problems
    apps: list[str] = field(default_factory=list)  # what staging runs: "api (server)"


def read_list(path: Path) -> list[Prototype]:
    found = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line, _, comment = raw.partition("#")
        if not line.strip():
            continue
        repo, commit = line.split()
        found.append(Prototype(repo, commit, comment.strip()))
    return found


def project_for(repo: str) -> str:
    """A 33-character slug from the repository's name, valid for `project_name`."""
    base = re.sub(r"[^a-z0-9]+", "-", repo.split("/")[1].lower()).strip("-")
    base = re.sub(r"^[^a-z]+", "", base) or "proto"
    name = (base + FILLER)[:PROJECT_LENGTH]
    return name[:-1] + "x" if name.endswith("-") else name


def one_line(text: str) -> str:
    """The last meaningful line of a command's output (its error)."""
    lines = [line.strip(" │╭╰─╮╯") for line in text.splitlines()]
    lines = [line for line in lines if line]
    errors = [line for line in lines if line.lower().startswith(("error", "traceback"))]
    return (errors[-1] if errors else lines[-1] if lines else "(no output)")[:300]


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def checkout(prototype: Prototype, mirror: Path, dest: Path) -> str:
    """Clone the snapshot at the pinned commit; '' or why it could not."""
    source = mirror / prototype.repo.replace("/", "+") / "repo"
    if not source.is_dir():
        return f"no snapshot at {source} (fetch github:{prototype.repo})"
    steps = [
        ["git", "clone", "-q", "--no-checkout", str(source), str(dest)],
        ["git", "-C", str(dest), "checkout", "-q", "-B", "main", prototype.commit],
        ["git", "-C", str(dest), "remote", "set-url", "origin", github_url(prototype)],
    ]
    for step in steps:
        done = run(step, dest.parent)
        if done.returncode != 0:
            return f"{' '.join(step[:3])}: {one_line(done.stderr)}"
    return ""


def github_url(prototype: Prototype) -> str:
    return f"https://github.com/{prototype.repo}.git"


@cache
def limits() -> dict[tuple[str, str], aws.Limit | aws.Documented]:
    return aws.limits()


def expected_name(resource: dict[str, Any]) -> tuple[str, str] | None:
    """(the input AWS receives as the name, its value or Pulumi's) for a named type."""
    props = [p for (t, p) in limits() if t == resource["type"]]
    primary = [p for p in props if (resource["type"], p) not in aws.PROVIDER_DEFAULTED]
    if not primary:
        return None
    value = resource["inputs"].get(primary[0])
    return primary[0], str(value) if value else resource["name"] + AUTONAME


def resource_problems(resource: dict[str, Any], outcome: Outcome) -> list[str]:
    type_, logical = resource.get("type", "?"), resource.get("name", "?")
    where = f"{type_} {logical}"
    inputs = resource.get("inputs")
    if not isinstance(inputs, dict) or not inputs:
        return [f"{where}: no inputs"]
    table = limits()
    named = {t for t, _ in table}
    if type_ not in named:
        if type_ not in aws.UNNAMED:
            return [f"{where}: type not in aws_name_limits (neither named nor UNNAMED)"]
        return []
    problems = []
    expected = expected_name(resource)
    if expected is not None:
        outcome.names += 1
        physical = resource.get("physical_name")
        outcome.autonamed += bool(physical and physical.endswith(AUTONAME))
        if not physical:
            problems.append(f"{where}: no physical_name")
        elif physical != expected[1]:
            problems.append(
                f"{where}: physical_name {physical!r} but {expected[0]} sends {expected[1]!r}"
            )
    for (t, prop), entry in table.items():
        if t != type_:
            continue
        value = inputs.get(prop)
        if not value and (t, prop) in aws.PROVIDER_DEFAULTED:
            continue
        name = str(value) if value else logical + AUTONAME
        limit = aws.limit_of(entry)
        problems += [
            f"{where}: {prop} {name!r}: {p} ({limit.source})" for p in limit.problems(name)
        ]
    return problems


def duplicate_problems(resources: list[dict[str, Any]]) -> list[str]:
    seen: Counter[tuple[str, str, str]] = Counter()
    for r in resources:
        if r.get("physical_name") and isinstance(r.get("inputs"), dict):
            scope = str(r["inputs"].get(SCOPES.get(r["type"], ""), ""))
            seen[(r["type"], scope, r["physical_name"])] += 1
    return [f"{t}: {n} resources named {name!r}" for (t, _, name), n in seen.items() if n > 1]


def apps_of(resources: list[dict[str, Any]], prefix: str) -> list[str]:
    """The services a plan runs (ECS) and serves (CloudFront), by name."""
    found = []
    for r in resources:
        if r.get("type") == "aws:ecs/service:Service":
            found.append(f"{r.get('physical_name')} (server)")
        elif r.get("type") == "aws:cloudfront/distribution:Distribution":
            site = str(r.get("name", "")).removeprefix(prefix).removesuffix("-cdn")
            found.append(f"{site} (static)")
    return sorted(found)


def plan(outcome: Outcome, work: Path, env: str) -> None:
    done = run([SCAFFOLD, "plan", env, "--json"], work)
    if done.returncode != 0:
        outcome.problems.append(f"plan {env} exited {done.returncode}: {one_line(done.stderr)}")
        return
    try:
        resources = json.loads(done.stdout)["resources"]
    except (ValueError, KeyError, TypeError) as error:
        outcome.problems.append(f"plan {env}: not a plan on stdout ({error})")
        return
    outcome.resources[env] = len(resources)
    for resource in resources:
        outcome.problems += [f"{env}: {p}" for p in resource_problems(resource, outcome)]
    outcome.problems += [f"{env}: {p}" for p in duplicate_problems(resources)]
    if not outcome.apps:
        outcome.apps = apps_of(resources, f"{outcome.project}-{env}-")
    if not {r.get("type") for r in resources} & APP_TYPES:
        outcome.notes.append(f"{env}: no app planned (no ECS service, no CloudFront site)")


def check(prototype: Prototype, mirror: Path, root: Path, project: str | None) -> Outcome:
    outcome = Outcome(prototype, project=project or project_for(prototype.repo))
    work = root / prototype.repo.replace("/", "+")
    why = checkout(prototype, mirror, work)
    if why:
        outcome.missing = why
        return outcome
    init = [SCAFFOLD, "init", str(work), "--defaults", "--allow-dirty"]
    done = run([*init, "--data", f"project_name={outcome.project}"], root)
    if done.returncode != 0:
        outcome.rejected = f"exit {done.returncode}: {one_line(done.stderr + done.stdout)}"
        return outcome
    for env in ENVS:
        plan(outcome, work, env)
    return outcome


def report(outcome: Outcome) -> str:
    head = f"{outcome.prototype.repo} ({outcome.prototype.shape})"
    if outcome.missing:
        return f"MISSING   {head}: {outcome.missing}"
    if outcome.rejected:
        return f"REJECTED  {head}: init {outcome.rejected}"
    counts = ", ".join(f"{env} {n}" for env, n in outcome.resources.items())
    status = "PROBLEMS" if outcome.problems else "ok"
    line = (
        f"{status:<9} {head}: project {outcome.project}; "
        f"apps {', '.join(outcome.apps) or 'none'}; resources {counts or 'none'}; "
        f"{outcome.names} names checked ({outcome.autonamed} autonamed); "
        f"{len(outcome.problems)} problems"
    )
    details = [*outcome.problems, *(f"note: {n}" for n in outcome.notes)]
    return "\n".join([line, *(f"            - {d}" for d in details)])


def summary(outcomes: list[Outcome]) -> str:
    planned = [o for o in outcomes if not (o.missing or o.rejected)]
    return (
        f"{datetime.now(UTC):%Y-%m-%d}: {len(outcomes)} prototypes, "
        f"{len(planned)} initialised and planned ({', '.join(ENVS)}), "
        f"{sum(1 for o in outcomes if o.rejected)} rejected by init, "
        f"{sum(1 for o in outcomes if o.missing)} missing; "
        f"{sum(sum(o.resources.values()) for o in planned)} resources planned, "
        f"{sum(o.names for o in planned)} names checked, "
        f"{sum(len(o.problems) for o in planned)} problems "
        f"(in {sum(1 for o in planned if o.problems)} prototypes); "
        f"{sum(1 for o in planned if o.notes)} prototypes with notes"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", type=Path, default=LIST, help="owner/name commit lines")
    parser.add_argument("--mirror", type=Path, default=MIRROR, help="where fetch put snapshots")
    parser.add_argument("--only", default="", help="only repos whose owner/name contains this")
    parser.add_argument("--project", help="one project_name for all (default: 33 from the name)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)

    prototypes = [p for p in read_list(args.list) if args.only.lower() in p.repo.lower()]
    root = Path(tempfile.mkdtemp(prefix="real-prototypes-")) if args.keep is None else args.keep
    root.mkdir(parents=True, exist_ok=True)
    outcomes = []
    try:
        for prototype in prototypes:
            outcome = check(prototype, args.mirror, root, args.project)
            print(report(outcome), flush=True)
            outcomes.append(outcome)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print(summary(outcomes))
    if any(o.missing for o in outcomes):
        return 2
    return 1 if any(o.problems or o.rejected for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
