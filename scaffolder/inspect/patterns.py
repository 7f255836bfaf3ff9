"""The secret detectors: one table of provider and framework patterns.

Speed comes from two rules. Each detector names literal anchors that any match
must contain; the scanner checks those with `in` (a C substring search) once
per file and runs only the regexes whose anchor is present. And every regex
starts with a literal, which lets `re` jump between candidates instead of
trying the pattern at every position; the left word boundary that a leading
`\b` would give is checked in Python on the few matches (`boundary`).
Group `v` is the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from scaffolder.inspect.lazy_regex import LazyRegex, lazy_regex
from scaffolder.models import SecretKind


class Tier(IntEnum):
    """On one line, a more specific detector hides the generic ones below it."""

    GENERIC = 1  # env-file values, fallbacks, SECRET-named constants
    FRAMEWORK = 2  # Django/Flask/Express/JWT secrets
    SPECIFIC = 3  # a provider's key shape, a private key, a database URL, a JWT role


@dataclass(frozen=True)
class Detector:
    name: str
    kind: SecretKind
    description: str
    anchors: tuple[str, ...]  # () when the regex's own literal prefix is the cheaper filter
    regex: LazyRegex
    tier: Tier = Tier.SPECIFIC
    code_only: bool = False  # source files only: docs and configs quote these as examples
    fold_case: bool = False  # anchors are lower case and checked against the lowered text
    boundary: bool = True  # the match must not continue a word to its left


_P = SecretKind.PROVIDER_KEY
_F = SecretKind.HARDCODED_FRAMEWORK_SECRET
_Q = r"(?P<q>['\"`])"  # an opening quote; (?P=q) closes it
_LIT = r"(?P<v>[^'\"`\n]+)(?P=q)"  # a one-line string literal's content
_END = r"(?![\w-])"
# Only variables whose name says "secret" can have a secret fallback; filtering in the
# regex keeps `process.env.PORT || "3000"` (everywhere) out of Python.
_ENV_NAME = r"\w*(?i:secret|passw|token|key|credential|dsn)\w*"
# The endings of names that hold a credential: JWT_SECRET, SECRET_KEY, DB_PASSWORD, OPENAI_API_KEY.
SECRET_WORDS = (
    r"(?:SECRET(?:_KEY)?|PASSWORD|PASSWD|TOKEN|API_KEY|APIKEY|PRIVATE_KEY"
    r"|ACCESS_KEY|AUTH_KEY|SIGNING_KEY|ENCRYPTION_KEY)"
)
SECRET_NAME_RE = lazy_regex(
    rf"^[A-Z0-9_]*{SECRET_WORDS}$|SERVICE_ROLE|CREDENTIALS?$|_DSN$", re.IGNORECASE
)


def _rx(pattern: str, flags: int = 0) -> LazyRegex:
    # Compiled at the first file that holds the detector's anchor (most never do).
    return lazy_regex(pattern, flags)


PROVIDER_DETECTORS: tuple[Detector, ...] = (
    Detector(
        "aws-access-key-id",
        _P,
        "AWS access key id",
        (),  # the regex starts with a literal: as fast as an anchor
        _rx(r"(?P<v>A(?:KIA|SIA)[0-9A-Z]{16})(?![0-9A-Za-z])"),
    ),
    Detector(
        "aws-secret-access-key",
        _P,
        "AWS secret access key",
        # Every spelling the regex accepts contains one of these (see the module doc).
        (
            "secret_access_key",
            "secretaccesskey",
            "secret_accesskey",
            "secretaccess_key",
            "aws_secret",
            "awssecret",
        ),
        _rx(
            r"(?:aws_?secret(?:_?access)?_?key|secret_?access_?key)['\"]?[ \t]*[:=][ \t]*"
            r"['\"]?(?P<v>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
            re.IGNORECASE,
        ),
        fold_case=True,
        boundary=False,
    ),
    Detector(
        "anthropic-api-key",
        _P,
        "Anthropic API key",
        ("sk-ant-",),
        _rx(r"(?P<v>sk-ant-[A-Za-z0-9]{2,8}-[A-Za-z0-9_-]{32,})"),
    ),
    Detector(
        "openai-api-key",
        _P,
        "OpenAI API key",
        ("sk-",),
        _rx(
            r"(?P<v>sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}"
            rf"|[A-Za-z0-9]{{20}}T3BlbkFJ[A-Za-z0-9]{{20}}|[A-Za-z0-9]{{40,}})){_END}"
        ),
    ),
    Detector(
        "deepseek-api-key",
        _P,
        "DeepSeek-style API key (sk- and 32 hex digits)",
        ("sk-",),
        _rx(rf"(?P<v>sk-[0-9a-f]{{32}}){_END}"),
    ),
    Detector(
        "openrouter-api-key",
        _P,
        "OpenRouter API key",
        ("sk-or-",),
        _rx(rf"(?P<v>sk-or-v1-[0-9a-f]{{64}}){_END}"),
    ),
    Detector(
        "groq-api-key",
        _P,
        "Groq API key",
        (),  # the regex starts with a literal: as fast as an anchor
        _rx(r"(?P<v>gsk_[A-Za-z0-9]{40,})\b"),
    ),
    Detector(
        "stripe-secret-key",
        _P,
        "Stripe live secret or restricted key",
        ("k_live_",),
        _rx(r"(?P<v>[sr]k_live_[A-Za-z0-9]{20,})\b"),
    ),
    Detector(
        "github-token",
        _P,
        "GitHub token",
        (),  # the regex starts with a literal: as fast as an anchor
        _rx(r"(?P<v>gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b"),
    ),
    Detector(
        "slack-bot-token",
        _P,
        "Slack token",
        (),  # the regex starts with a literal: as fast as an anchor
        _rx(r"(?P<v>xox[baprs]-[A-Za-z0-9-]{10,})"),
    ),
    Detector(
        "slack-webhook",
        _P,
        "Slack incoming webhook URL",
        ("hooks.slack.com",),
        _rx(r"(?P<v>https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,})"),
        boundary=False,
    ),
    Detector(
        "google-api-key",
        _P,
        "Google API key",
        (),  # the regex starts with a literal: as fast as an anchor
        _rx(rf"(?P<v>AIza[0-9A-Za-z_-]{{35}}){_END}"),
    ),
    Detector(
        "twilio-api-key",
        _P,
        "Twilio API key",
        (),  # the regex starts with a literal: as fast as an anchor
        _rx(r"(?P<v>SK[0-9a-f]{32})\b"),
    ),
    Detector(
        "twilio-auth-token",
        _P,
        "Twilio auth token",
        ("auth_token", "authtoken"),
        _rx(
            r"auth_?token['\"]?[ \t]*[:=][ \t]*['\"]?(?P<v>[0-9a-f]{32})\b",
            re.IGNORECASE,
        ),
        fold_case=True,
        boundary=False,
    ),
    Detector(
        "sendgrid-api-key",
        _P,
        "SendGrid API key",
        (),  # the regex starts with a literal: as fast as an anchor
        _rx(rf"(?P<v>SG\.[A-Za-z0-9_-]{{22}}\.[A-Za-z0-9_-]{{43}}){_END}"),
    ),
    Detector(
        "huggingface-token",
        _P,
        "Hugging Face token",
        (),  # the regex starts with a literal: as fast as an anchor
        _rx(r"(?P<v>hf_[A-Za-z0-9]{34,})\b"),
    ),
    Detector(
        "supabase-service-role-key",
        SecretKind.SUPABASE_SERVICE_ROLE,
        "Supabase secret key (bypasses row level security)",
        ("sb_secret_",),
        _rx(r"(?P<v>sb_secret_[A-Za-z0-9_-]{20,})"),
    ),
    Detector(
        "private-key",
        SecretKind.PRIVATE_KEY,
        "private key",
        ("PRIVATE KEY",),
        _rx(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
            r"(?P<v>[A-Za-z0-9+/=\s\\:,-]{40,12000}?)-----END"
        ),
        boundary=False,
    ),
)

_FALLBACK = SecretKind.FALLBACK_SECRET
_FALLBACK_TEXT = "secret falls back to a hard-coded value when the variable is unset"

FRAMEWORK_DETECTORS: tuple[Detector, ...] = (
    Detector(
        "django-secret-key",
        _F,
        "Django SECRET_KEY hard-coded in settings",
        ("secret_key",),
        # Only at the start of a line: checked in Python (see secrets._starts_line).
        _rx(rf"SECRET_KEY[ \t]*=[ \t]*[rbuRBU]?{_Q}{_LIT}"),
        fold_case=True,
        tier=Tier.FRAMEWORK,
        code_only=True,
    ),
    Detector(
        "flask-secret-key",
        _F,
        "Flask secret key hard-coded",
        ("secret_key",),
        _rx(rf"\.secret_key[ \t]*=[ \t]*[rbRB]?{_Q}{_LIT}"),
        fold_case=True,
        boundary=False,
        tier=Tier.FRAMEWORK,
        code_only=True,
    ),
    Detector(
        "flask-secret-key",
        _F,
        "Flask SECRET_KEY hard-coded in the app config",
        ("secret_key",),
        _rx(
            r"\.config(?:\[[ \t]*['\"]SECRET_KEY['\"][ \t]*\][ \t]*=|"
            r"\.(?:update|from_mapping)\([^)]{0,400}?SECRET_KEY[ \t]*=)"
            rf"[ \t]*[rbRB]?{_Q}{_LIT}"
        ),
        fold_case=True,
        boundary=False,
        tier=Tier.FRAMEWORK,
        code_only=True,
    ),
    Detector(
        "express-session-secret",
        _F,
        "session or cookie secret hard-coded",
        ("secret",),
        _rx(rf"secret(?:OrKey|OrPrivateKey)?[ \t]*:[ \t]*{_Q}{_LIT}"),
        fold_case=True,
        tier=Tier.FRAMEWORK,
        code_only=True,
    ),
    Detector(
        "express-session-secret",
        _F,
        "cookie signing secret hard-coded",
        ("cookieparser(",),
        _rx(rf"cookieParser\([ \t]*{_Q}{_LIT}"),
        fold_case=True,
        tier=Tier.FRAMEWORK,
        code_only=True,
    ),
    Detector(
        "jwt-secret",
        _F,
        "JWT signing secret hard-coded in the sign/verify call",
        ("jwt.",),
        _rx(
            r"jwt\.(?:sign|verify|encode|decode)\([ \t]*(?:\{[^{}]{0,400}\}|[\w.$\[\]'\"]{1,80})"
            rf"[ \t]*,[ \t]*{_Q}{_LIT}"
        ),
        fold_case=True,
        tier=Tier.FRAMEWORK,
        code_only=True,
    ),
    Detector(
        "hardcoded-secret",
        _F,
        "secret hard-coded in a constant",
        ("secret", "password", "passwd", "token", "key"),
        # Starts at the name's last word; secrets._name_before recovers the whole name.
        _rx(
            rf"(?P<kw>{SECRET_WORDS})\b[ \t]*(?::[ \t]*[\w\[\]|. ]+?[ \t]*)?=(?!=)[ \t]*"
            rf"[rbRB]?{_Q}{_LIT}"
        ),
        fold_case=True,
        boundary=False,
        tier=Tier.GENERIC,
        code_only=True,
    ),
    Detector(
        "fallback-secret",
        _FALLBACK,
        _FALLBACK_TEXT,
        ("process.env",),
        _rx(
            rf"process\.env(?:\.(?P<name>{_ENV_NAME})"
            rf"|\[[ \t]*['\"](?P<name2>{_ENV_NAME})['\"][ \t]*\])"
            rf"[ \t]*(?:\|\||\?\?)[ \t]*{_Q}{_LIT}"
        ),
        tier=Tier.GENERIC,
        code_only=True,
    ),
    Detector(
        "fallback-secret",
        _FALLBACK,
        _FALLBACK_TEXT,
        ("import.meta.env",),
        _rx(rf"import\.meta\.env\.(?P<name>{_ENV_NAME})[ \t]*(?:\|\||\?\?)[ \t]*{_Q}{_LIT}"),
        tier=Tier.GENERIC,
        code_only=True,
    ),
    Detector(
        "fallback-secret",
        _FALLBACK,
        _FALLBACK_TEXT,
        ("getenv(",),
        _rx(
            rf"getenv\([ \t]*['\"](?P<name>{_ENV_NAME})['\"][ \t]*"
            rf"(?:,[ \t]*(?:default[ \t]*=[ \t]*)?|\)[ \t]+or[ \t]+)[rbRB]?{_Q}{_LIT}"
        ),
        tier=Tier.GENERIC,
        code_only=True,
    ),
    Detector(
        "fallback-secret",
        _FALLBACK,
        _FALLBACK_TEXT,
        ("environ.get(",),
        _rx(
            rf"environ\.get\([ \t]*['\"](?P<name>{_ENV_NAME})['\"][ \t]*"
            rf"(?:,[ \t]*(?:default[ \t]*=[ \t]*)?|\)[ \t]+or[ \t]+)[rbRB]?{_Q}{_LIT}"
        ),
        boundary=False,
        tier=Tier.GENERIC,
        code_only=True,
    ),
    Detector(
        "fallback-secret",
        _FALLBACK,
        "settings field has a hard-coded default secret",
        ("BaseSettings",),
        _rx(
            r"^[ \t]+(?P<name>\w*(?:secret|password|token|api_key|private_key)\w*)[ \t]*:[ \t]*"
            rf"(?:str|SecretStr)[ \t]*=[ \t]*{_Q}{_LIT}",
            re.MULTILINE | re.IGNORECASE,
        ),
        tier=Tier.GENERIC,
        code_only=True,
    ),
)

ALL_DETECTORS: tuple[Detector, ...] = PROVIDER_DETECTORS + FRAMEWORK_DETECTORS

# Database URLs with a user:password part. The scheme decides the detector name.
# Found from "://" (a literal, fast to find); the scheme is read backwards in Python.
# The host is a bracketed IPv6 literal or has no regex syntax in it: a secret-scanner
# pattern such as `postgresql://[^:]+:[^@]+@` is documentation, not a URL.
DB_URL_RE = lazy_regex(
    r"://(?P<user>[^:@/\s'\"`]*):(?P<v>[^@/\s'\"`]+)@"
    r"(?P<host>\[[0-9A-Fa-f:.]+\]|[^/:\s'\"`?,\[\]^+*()|\\]+)"
)
DB_SCHEME_RE = lazy_regex(
    r"(?:^|[^\w+])(?P<scheme>postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?)"
    r"(?:\+[a-z0-9]+)?$"
)
DB_URL_DETECTORS = {
    "postgres": "postgres-url-with-password",
    "postgresql": "postgres-url-with-password",
    "mysql": "mysql-url-with-password",
    "mariadb": "mysql-url-with-password",
    "mongodb": "mongodb-url-with-password",
    "mongodb+srv": "mongodb-url-with-password",
    "redis": "redis-url-with-password",
    "rediss": "redis-url-with-password",
    "amqp": "amqp-url-with-password",
    "amqps": "amqp-url-with-password",
}

# Files whose literals the secret scan reads as code (any language a secret is pasted into).
SCANNED_CODE_SUFFIXES = frozenset(
    [
        ".py",
        ".js",
        ".jsx",
        ".ts",
        ".tsx",
        ".mjs",
        ".cjs",
        ".mts",
        ".cts",
        ".vue",
        ".svelte",
        ".astro",
        ".rb",
        ".go",
        ".php",
        ".java",
        ".kt",
        ".rs",
        ".sh",
    ]
)

# Values nobody would ship: empty markers, "your-key-here", references to a variable.
PLACEHOLDER_RE = lazy_regex(
    r"^(?:<[^>]*>|\[[^\]]*\]|\$\{\{?[^}]*\}\}?|\$\(.*\)|\$[A-Za-z_]\w*|\{\{.*\}\}|%\(?\w+\)?s?%?"
    r"|[x*.#_-]{3,}|.*(?:x{4,}|X{4,}|\.\.\.|\*{3,}).*|(?:your|my|insert|enter|put|add|paste)[-_ ].*"
    r"|.*[-_ ](?:here|goes[-_ ]here)|replace[-_ ]?(?:me|this|with).*|todo|tbd|fixme|none|null|nil"
    r"|undefined|example|.*[-_]example|example[-_].*|placeholder.*|.*[-_]placeholder(?:[-_].*)?"
    r"|sk-\.\.\."
    r"|(?:sk|pk|rk)_test_.*|true|false)$",
    re.IGNORECASE,
)
# Words that are placeholders in an example file or a local database URL, and real
# (if weak) secrets when an app hard-codes them: `changeme` in settings.py ships.
WEAK_WORDS = frozenset(
    [
        "changeme",
        "change-me",
        "change_me",
        "secret",
        "password",
        "pass",
        "passwd",
        "pwd",
        "test",
        "testing",
        "dummy",
        "fake",
        "sample",
        "default",
        "dev",
        "development",
        "local",
        "postgres",
        "root",
        "admin",
        "user",
        "username",
        "mysql",
        "mongo",
        "redis",
        "guest",
        "demo",
        "foo",
        "bar",
        "baz",
        "abc",
        "123",
        "1234",
        "12345",
        "123456",
    ]
)
LOCAL_HOSTS = frozenset(
    [
        "localhost",
        "127.0.0.1",
        "0.0.0.0",  # noqa: S104 - a host name to recognise, not one to bind
        "::1",
        "[::1]",
        "host.docker.internal",
        "db",
        "database",
        "postgres",
        "postgresql",
        "pg",
        "mysql",
        "mariadb",
        "mongo",
        "mongodb",
        "redis",
        "rabbitmq",
        "cache",
        "host",
        "hostname",
        "server",
        "example.com",
    ]
)


def is_placeholder(value: str, *, weak: bool = False) -> bool:
    """True for values that are obviously not a real secret.

    `weak` also counts guessable words (changeme, password): right for example
    files and local database URLs, wrong for a literal an app will really use.
    """
    stripped = value.strip()
    if not stripped or PLACEHOLDER_RE.match(stripped):
        return True
    return weak and stripped.lower() in WEAK_WORDS
