"""How users sign in: a provider, a framework, something hand-written, or nothing real."""

from __future__ import annotations

import re

from scaffolder.inspect.index import RepoIndex, evidence
from scaffolder.inspect.lazy_regex import LazyRegex, lazy_regex
from scaffolder.models import AuthFacts, AuthKind, Evidence

A = AuthKind
# (kind, package names, code pattern, cheap needle) — any one is enough.
_RULES: tuple[tuple[AuthKind, tuple[str, ...], LazyRegex | None, str], ...] = (
    (
        A.SUPABASE,
        (),
        lazy_regex(
            r"\.auth\.(?:signIn\w*|signUp|getSession|getUser|onAuthStateChange|signOut"
            r"|sign_in\w*|sign_up|get_user|get_session|sign_out)\("
        ),
        ".auth.",
    ),
    (
        A.NEXTAUTH,
        ("next-auth", "@auth/core", "@auth/nextjs"),
        lazy_regex(r"\bNextAuth\("),
        "NextAuth",
    ),
    (
        A.CLERK,
        ("@clerk/nextjs", "@clerk/clerk-react", "@clerk/express", "@clerk/backend"),
        lazy_regex(r"from ['\"]@clerk/"),
        "@clerk/",
    ),
    (
        A.FLASK_LOGIN,
        ("flask-login",),
        lazy_regex(r"^\s*(?:from|import)\s+flask_login\b", re.M),
        "flask_login",
    ),
    # django.contrib.auth ships with every project: only code that uses it counts.
    (
        A.DJANGO,
        (),
        lazy_regex(
            r"@login_required|\bLoginRequiredMixin\b|\bauthenticate\(|django\.contrib\.auth\.views|IsAuthenticated\b|rest_framework_simplejwt"
        ),
        "auth",
    ),
    (
        A.CUSTOM_JWT,
        (
            "@nestjs/jwt",
            "@fastify/jwt",
            "jsonwebtoken",
            "pyjwt",
            "python-jose",
            "flask-jwt-extended",
        ),
        lazy_regex(
            r"\bjwt\.sign\(|\bnew SignJWT\(|\bjwt\.encode\(|\bcreate_access_token\("
            r"|\.jwtSign\(|jwtService\.sign(?:Async)?\("
        ),
        "jwt",
    ),
    (
        A.CUSTOM_SESSION,
        (
            "express-session",
            "cookie-session",
            "iron-session",
            "@fastify/session",
            "@fastify/secure-session",
        ),
        lazy_regex(
            r"^\s*from flask import[^\n]*\bsession\b"
            r"|cookies\.set\(\s*['\"](?:session|sid|session_id)['\"]",
            re.M,
        ),
        "session",
    ),
)
# Literals one of which every match of the rule's pattern holds (one per branch): these
# patterns start with `\b` or `^`, so `re` would try them at every position of every file
# that holds the needle (~20 ms each on a 1,000-file repository).
_ANY_OF: dict[AuthKind, tuple[str, ...]] = {
    A.DJANGO: (
        "@login_required",
        "LoginRequiredMixin",
        "authenticate(",
        "django.contrib.auth.views",
        "IsAuthenticated",
        "rest_framework_simplejwt",
    ),
    A.CUSTOM_SESSION: ("from flask import", "cookies.set("),
}
_CLIENT_STORAGE = lazy_regex(
    r"(?:localStorage|sessionStorage)\.setItem\(\s*['\"`][^'\"`]*(?:auth|user|token|session|logged|login)[^'\"`]*['\"`]",
    re.IGNORECASE,
)


def _dependency_hit(index: RepoIndex, names: tuple[str, ...]) -> Evidence | None:
    for pkg in index.manifests.packages.values():
        if any(n in pkg.deps for n in names):
            return Evidence(path=pkg.path)
    for project in index.manifests.python.values():
        if any(n in project.deps for n in names):
            manifest = project.files[0]
            return Evidence(
                path=manifest if project.folder == "." else f"{project.folder}/{manifest}"
            )
    return None


_PYTHON_ONLY = frozenset({A.FLASK_LOGIN, A.DJANGO})
_JS_ONLY = frozenset({A.NEXTAUTH, A.CLERK})


def detect_auth(index: RepoIndex) -> list[AuthFacts]:
    found: list[AuthFacts] = []
    python = [s for s in index.code_files if s.path.endswith(".py")]
    js = [s for s in index.code_files if not s.path.endswith(".py")]
    for kind, packages, pattern, needle in _RULES:
        files = python if kind in _PYTHON_ONLY else js if kind in _JS_ONLY else index.code_files
        proof: list[Evidence] = []
        hit = _dependency_hit(index, packages) if packages else None
        if hit is not None:
            proof.append(hit)
        if pattern is not None:
            match = index.first(pattern, files, needle, _ANY_OF.get(kind, ()))
            if match is not None:
                proof.append(evidence(*match, snippet=True))
        if proof:
            found.append(AuthFacts(kind=kind, evidence=proof))
    if not found:
        match = index.first(_CLIENT_STORAGE, js, "Storage.setItem")
        if match is not None:
            found.append(AuthFacts(kind=A.CLIENT_ONLY, evidence=[evidence(*match)]))
    return found
