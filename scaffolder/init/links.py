"""Symlinks on the paths `scaffold init` reads or writes: nothing outside the repository, ever.

Python's file functions follow links, so a `Dockerfile -> /etc/somewhere` link,
a dangling one, or a linked `.scaffold/` folder would let a run read or write
outside the repository (Copier writes through links too, even in the scratch
copy under --pretend). Before any file is read or written, every path the run
touches is resolved one component at a time here:

- a link that leaves the repository, dangles, or loops is refused (exit 8),
  naming the link and where it points;
- a link that stays inside the repository and ends at a regular file, at a
  path the template renders, is the user's file: kept, never written through;
- any other link (a linked folder on the way, a linked `.gitignore` or
  `.scaffold/` file, a link to a folder) is refused as well: writing through it
  would change a file under another name.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path

from scaffolder.errors import SafetyRefusal

KEPT_LINK = "a symbolic link: scaffold never writes through links, so it stays yours"
HINT = (
    "Replace the link with a regular file or folder (or remove it), commit, and run "
    "scaffold init again; nothing was changed."
)


def _refuse(rel_link: str, why: str) -> SafetyRefusal:
    return SafetyRefusal(
        f"{rel_link} is a symbolic link {why}; scaffold never follows a link out of the "
        "repository or writes through one.",
        HINT,
    )


def _inside(real_root: Path, path: Path) -> bool:
    return path == real_root or real_root in path.parents


def _resolve_link(real_root: Path, link: Path, rel_link: str) -> Path:
    """Where the link `link` ends up, refusing loops, dangling links and the outside."""
    shown = os.readlink(link)
    try:
        target = link.resolve(strict=True)
    except RuntimeError as exc:  # Python < 3.13 reports a loop this way
        raise _refuse(rel_link, f"that loops ({shown})") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _refuse(rel_link, f"that loops ({shown})") from exc
        where = link.parent.resolve() / shown
        if not _inside(real_root, Path(os.path.normpath(where))):
            raise _refuse(rel_link, f"to {shown}, outside the repository") from exc
        raise _refuse(rel_link, f"to {shown}, which does not exist") from exc
    if not _inside(real_root, target):
        raise _refuse(rel_link, f"to {shown}, outside the repository")
    return target


def check_paths(root: Path, paths: Iterable[str], *, keepable: Iterable[str] = ()) -> set[str]:
    """Refuse unsafe links on `paths` (relative to `root`); return the keepable ones that are links.

    `keepable` are the paths the template renders: a link there that stays
    inside the repository and ends at a regular file is the user's own file.
    """
    real_root = root.resolve()
    may_keep = set(keepable)
    kept: set[str] = set()
    for rel in sorted(set(paths) | may_keep):
        parts = rel.split("/")
        if any(part in ("", ".", "..") for part in parts):
            raise SafetyRefusal(f"{rel} is not a plain path inside the repository.", HINT)
        current = real_root
        for depth, part in enumerate(parts, start=1):
            current = current / part
            if not current.is_symlink():
                if not current.exists():
                    break  # nothing below a missing folder can be a link
                continue
            rel_link = "/".join(parts[:depth])
            target = _resolve_link(real_root, current, rel_link)
            if depth == len(parts) and rel in may_keep and target.is_file():
                kept.add(rel)
                break
            shown = os.readlink(current)
            raise _refuse(rel_link, f"(to {shown}) where scaffold writes {rel}")
    return kept


def link_targets(root: Path, links: Iterable[str]) -> list[str]:
    """The files the (checked, inside) `links` point to, relative to `root`."""
    real_root = root.resolve()
    return sorted((root / rel).resolve().relative_to(real_root).as_posix() for rel in links)
