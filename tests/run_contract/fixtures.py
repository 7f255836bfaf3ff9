"""Fixture prototypes made runnable: their committed lockfiles are abbreviated (top level
entries only, no tarball URLs, no bins), so `npm ci` "succeeds" without installing vite or
tsc. Before init, such a fixture gets a real lockfile from the registry (committed, as a
user's repository has one), unless the fixture's point is its lockfile (drift).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.run_contract.runner import machine_lock
from tests.support.prototypes import BASE_DATE, git_env, materialize

# Fixtures whose lockfile is the finding: kept as committed.
KEEP_LOCKFILE = {"lovable-bun-npm-drift", "pnpm-workspace-drift"}


def _abbreviated(lock: Path) -> bool:
    try:
        packages = json.loads(lock.read_text()).get("packages", {})
    except ValueError:
        return True
    deps = [v for k, v in packages.items() if k.startswith("node_modules/")]
    return any("integrity" not in v for v in deps)  # real lockfiles carry checksums


def relock(repo: Path) -> list[str]:
    """Regenerate each abbreviated package-lock.json (npm, pnpm, yarn 1); commit; the paths done."""
    done = []
    for lock in sorted(repo.rglob("package-lock.json")):
        if "node_modules" in lock.parts or not _abbreviated(lock):
            continue
        lock.unlink()  # npm would keep the abbreviated entries it finds
        npm = ["npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit"]
        subprocess.run(npm, cwd=lock.parent, check=True, capture_output=True, timeout=600)
        done.append(str(lock.relative_to(repo)))
    for lock in sorted(repo.rglob("pnpm-lock.yaml")):
        if "node_modules" in lock.parts:  # abbreviated too, with made-up integrity values
            continue
        lock.unlink()
        pnpm = ["npx", "--yes", "pnpm@9.15.0", "install", "--lockfile-only"]
        pnpm.append("--ignore-scripts")
        with machine_lock("npx"):  # two workers' first `npx pnpm@...` would share its folder
            subprocess.run(pnpm, cwd=lock.parent, check=True, capture_output=True, timeout=600)
        done.append(str(lock.relative_to(repo)))
    for lock in sorted(repo.rglob("yarn.lock")):
        if "node_modules" in lock.parts or "__metadata:" in lock.read_text():
            continue  # yarn 1 only (made-up integrity values)
        lock.unlink()
        yarn = ["npx", "--yes", "yarn@1.22.22", "install", "--ignore-scripts", "--no-progress"]
        with machine_lock("npx"):
            subprocess.run(yarn, cwd=lock.parent, check=True, capture_output=True, timeout=900)
        shutil.rmtree(lock.parent / "node_modules", ignore_errors=True)
        done.append(str(lock.relative_to(repo)))
    status = ["git", "status", "--porcelain"]
    changed = subprocess.run(status, cwd=repo, capture_output=True, text=True, check=True)
    if done and changed.stdout:
        env = git_env(BASE_DATE)
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
        message = "real lockfile"
        subprocess.run(["git", "commit", "-qm", message], cwd=repo, check=True, env=env)
    return done


def runnable(name: str, dest: Path) -> Path:
    repo = materialize(name, dest)
    if name not in KEEP_LOCKFILE:
        relock(repo)
    return repo
