"""The literals in front of the auth patterns that start with `\\b` or `^` never drop a match."""

from __future__ import annotations

import re

import pytest

from scaffolder.inspect.auth import _ANY_OF, _RULES, detect_auth
from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.index import RepoIndex
from scaffolder.models import AuthKind

# One text per branch of each pattern, with the rule's needle, as real code writes it.
BRANCHES = {
    AuthKind.DJANGO: [
        "from django.contrib.auth.decorators import login_required\n@login_required\ndef v(r): 1\n",
        "from django.contrib.auth import mixins\nclass V(mixins.LoginRequiredMixin): 1\n",
        "from django.contrib.auth import authenticate\nuser = authenticate(request)\n",
        "from django.contrib.auth import views\nx = django.contrib.auth.views.LoginView\n",
        "# auth\npermission_classes = [IsAuthenticated]\n",
        "# auth\nfrom rest_framework_simplejwt.views import TokenObtainPairView\n",
    ],
    AuthKind.CUSTOM_SESSION: [
        "from flask import Flask, session\nsession['user'] = 1\n",
        "res.cookies.set('session', token)\n",
        '// session cookie\ncookies.set(\n  "sid", id)\n',
    ],
}


def _pattern(kind: AuthKind) -> tuple[re.Pattern[str], str]:
    rule = next(r for r in _RULES if r[0] is kind)
    assert rule[2] is not None
    return rule[2], rule[3]


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, texts in BRANCHES.items() for t in texts])
def test_every_branch_holds_a_literal_and_is_still_found(kind: AuthKind, text: str) -> None:
    pattern, needle = _pattern(kind)
    assert pattern.search(text)
    assert needle in text
    assert any(literal in text for literal in _ANY_OF[kind])
    path = "app/views.py"
    index = RepoIndex(files=[SourceFile(path, text, len(text))], paths=[path])
    assert kind in {a.kind for a in detect_auth(index)}


def test_the_samples_cover_every_branch() -> None:
    for kind, texts in BRANCHES.items():
        pattern, _ = _pattern(kind)
        matched = [m.group(0) for t in texts if (m := pattern.search(t))]
        for literal in _ANY_OF[kind]:
            assert any(literal in m for m in matched), (kind, literal)


def test_search_skips_files_without_any_literal() -> None:
    files = [
        SourceFile("a.py", "auth only", 9),
        SourceFile("b.py", "auth\nx = authenticate(r)", 24),
        SourceFile("c.py", "IsAuthenticated", 15),
    ]
    index = RepoIndex(files=files, paths=[f.path for f in files])
    pattern = re.compile(r"\bauthenticate\(|\w+")  # \w+ would match any file the filter keeps
    found = index.search(pattern, files, "auth", ("authenticate(",))
    hits = [(s.path, m.group(0)) for s, m in found]
    assert hits[0] == ("b.py", "auth")
    assert {p for p, _ in hits} == {"b.py"}  # a.py has no literal, c.py no "auth" needle
