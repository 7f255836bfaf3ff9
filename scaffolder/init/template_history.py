"""The template versions a project has used, kept inside the project.

Copier's three-way update renders the *old* template version next to the new
one, so it needs the old version from git. A template that ships as a folder
inside the Python package has no git history, and the machine that runs the
next update may be a fresh clone, offline, with a newer `scaffold`. So every
project carries the versions it has used in `.scaffold/template.bundle` (a git
bundle, committed with the project). Each run rebuilds a throwaway git
repository from that bundle, adds the packaged template as a new commit tagged
with the tool's version (PEP 440) when it is not there yet, lets Copier work
against it, and hands back the new bundle to be written with the other files.
See docs/decisions/0001-template-history.md.
"""

from __future__ import annotations

import re
from pathlib import Path

from packaging.version import InvalidVersion, Version

from scaffolder.errors import InputError, MissingToolError
from scaffolder.init.git import GitCommandError, git

BRANCH = "refs/heads/main"
_LOCAL = re.compile(r"^(?P<base>[^+]+)\+(?P<n>\d+)$")


class TemplateHistory:
    """A throwaway git repository holding every template version of one project."""

    def __init__(self, workdir: Path) -> None:
        self.repo = workdir
        self.repo.mkdir(parents=True, exist_ok=True)
        git(self.repo, "init", "-q", "-b", "main")
        self._refs_before = ""

    # -- loading -----------------------------------------------------------

    def load_bundle(self, bundle: Path) -> None:
        """Import every branch and tag of `bundle` (the project's committed history)."""
        try:
            git(self.repo, "bundle", "verify", "-q", str(bundle))
            git(
                self.repo,
                "fetch",
                "-q",
                "--no-tags",
                "--update-head-ok",
                str(bundle),
                "+refs/heads/*:refs/heads/*",
                "+refs/tags/*:refs/tags/*",
            )
        except GitCommandError as exc:
            raise InputError(
                f"{bundle.name} is not a readable git bundle ({exc.stderr.strip() or 'corrupt'}).",
                hint="Restore it from git history: git checkout -- .scaffold/template.bundle",
            ) from exc
        self._refs_before = self._refs()

    def _refs(self) -> str:
        return git(self.repo, "for-each-ref", "--format=%(refname) %(objectname)")

    @property
    def changed(self) -> bool:
        """True when this run added a version, so the bundle must be rewritten."""
        return self._refs() != self._refs_before

    def tags(self) -> list[str]:
        return [t for t in git(self.repo, "tag", "--list").splitlines() if t]

    def has(self, ref: str) -> bool:
        return bool(
            git(self.repo, "rev-parse", "-q", "--verify", f"{ref}^{{commit}}", check=False).strip()
        )

    # -- adding the packaged template --------------------------------------

    def tree_of(self, template: Path) -> str:
        """The git tree id of the folder `template`, without touching any index we keep."""
        git_dir = self.repo / ".git"
        index = git_dir / "scaffold-template-index"
        index.unlink(missing_ok=True)
        env = {"GIT_INDEX_FILE": str(index)}
        where = (f"--git-dir={git_dir}", "--work-tree=.")
        git(template, *where, "add", "-A", "-f", ".", extra_env=env)
        tree = git(template, *where, "write-tree", extra_env=env).strip()
        index.unlink(missing_ok=True)
        return tree

    def ensure_version(self, template: Path, version: str) -> str:
        """The tag holding `template` as `version`; created when it is not there yet.

        The tag is the version itself; a template that changed without a version
        bump (a development build) gets `<version>+<n>`, so a tag never moves.
        """
        try:
            Version(version)
        except InvalidVersion as exc:
            raise InputError(f"'{version}' is not a PEP 440 version.") from exc
        self._refuse_downgrade(version)
        tree = self.tree_of(template)
        same_base = [t for t in self.tags() if _base(t) == version]
        for tag in sorted(same_base, key=_local_number, reverse=True):
            if self._tree(tag) == tree:
                return tag
        tag = version if not same_base else f"{version}+{max(map(_local_number, same_base)) + 1}"
        parent = git(self.repo, "rev-parse", "-q", "--verify", BRANCH, check=False).strip()
        args = ["commit-tree", tree, "-m", f"scaffold template {tag}"]
        if parent:
            args += ["-p", parent]
        commit = git(self.repo, *args, fixed_date=True).strip()
        git(self.repo, "update-ref", BRANCH, commit)
        git(self.repo, "tag", tag, commit)
        return tag

    def _tree(self, ref: str) -> str:
        return git(self.repo, "rev-parse", f"{ref}^{{tree}}").strip()

    def _refuse_downgrade(self, version: str) -> None:
        versions = [v for v in map(_parse, self.tags()) if v is not None]
        newest = max(versions, default=None)
        if newest is not None and newest > Version(version):
            raise MissingToolError(
                f"This project was last rendered by scaffold {newest}; this is scaffold {version}.",
                hint="Upgrade scaffold (pip install -U scaffold-prod) and run it again.",
            )

    # -- writing back ------------------------------------------------------

    def write_bundle(self, dest: Path) -> None:
        """Write every branch and tag into the bundle file `dest`."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        git(self.repo, "bundle", "create", "-q", str(dest), "--branches", "--tags")


def _base(tag: str) -> str:
    match = _LOCAL.match(tag)
    return match.group("base") if match else tag


def _local_number(tag: str) -> int:
    match = _LOCAL.match(tag)
    return int(match.group("n")) if match else 0


def _parse(tag: str) -> Version | None:
    try:
        return Version(_base(tag))
    except InvalidVersion:
        return None
