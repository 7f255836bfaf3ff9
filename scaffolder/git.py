"""How scaffold runs git: two policies, one for each kind of repository it touches.

- `users_repository(...)`: the user's own repository, read only. Their git config
  (excludes, safe.directory) decides what git sees, but our own environment never
  points git at another repository, no read refreshes or locks their index, git
  never prompts, and no command the repository's own config names runs: the audit
  reads repositories a founder downloaded, and `core.fsmonitor` in their
  `.git/config` would otherwise run as a program on the first `ls-files`.
  `trust_any_owner` lets the audit read a folder another user owns (it only reads);
  `scaffold init`, which then writes there, leaves that to git.
- `ISOLATED`: a repository scaffold owns (the template history, a staging copy):
  the user's global and system config switched off and a fixed identity, so hooks,
  `commit.gpgsign`, `core.autocrlf` or a missing `user.email` on a CI machine cannot
  change what scaffold reads or writes.

Each runner (inspect/git.py, inspect/history_secrets.py, init/git.py) keeps its
own way of running and reporting; the argv prefix and environment come from here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

# Variables that point git at a repository other than the one in `cwd`.
REPO_POINTERS = frozenset({"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"})
# Fixed identity and dates: commits of the template history are reproducible.
IDENTITY = {
    "GIT_AUTHOR_NAME": "scaffold",
    "GIT_AUTHOR_EMAIL": "scaffold@localhost",
    "GIT_COMMITTER_NAME": "scaffold",
    "GIT_COMMITTER_EMAIL": "scaffold@localhost",
}
FIXED_DATE = "2000-01-01T00:00:00Z"
# Settings on every command: line endings as stored, never a signing prompt.
_COMMON_CONFIG = ("core.autocrlf=false", "commit.gpgsign=false")


@dataclass(frozen=True)
class GitPolicy:
    isolated: bool
    config: tuple[str, ...] = _COMMON_CONFIG

    def argv(self, executable: str = "git") -> list[str]:
        """`git -c ... -c ...`: the command's prefix, before its own arguments."""
        return [executable, *(arg for setting in self.config for arg in ("-c", setting))]

    def env(self, *, fixed_date: bool = False) -> dict[str, str]:
        """The environment git runs in under this policy."""
        if self.isolated:
            return isolated_env(fixed_date=fixed_date)
        env = {k: v for k, v in os.environ.items() if k not in REPO_POINTERS}
        env["GIT_TERMINAL_PROMPT"] = "0"
        # Reads never refresh or lock the user's index: --pretend writes nothing, and a
        # read-only repository can still be read.
        env["GIT_OPTIONAL_LOCKS"] = "0"
        return env


# Settings on reads of the user's repository: programs its config could name, off.
# (The commands scaffold runs there use no diff driver, filter, pager or hook.)
_NO_REPOSITORY_PROGRAMS = ("core.fsmonitor=false",)


def users_repository(*, trust_any_owner: bool) -> GitPolicy:
    """The user's own repository, read only (see the module docstring)."""
    extra = ("safe.directory=*",) if trust_any_owner else ()
    return GitPolicy(isolated=False, config=(*extra, *_NO_REPOSITORY_PROGRAMS, *_COMMON_CONFIG))


ISOLATED = GitPolicy(isolated=True)


def isolated_env(*, fixed_date: bool = False) -> dict[str, str]:
    """The environment for git in a repository scaffold owns: the caller's, minus its
    git configuration, with a fixed identity."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(IDENTITY)
    env["GIT_CONFIG_GLOBAL"] = os.devnull
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["GIT_TERMINAL_PROMPT"] = "0"
    if fixed_date:
        env["GIT_AUTHOR_DATE"] = FIXED_DATE
        env["GIT_COMMITTER_DATE"] = FIXED_DATE
    return env
