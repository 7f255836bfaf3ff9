"""Each secret detector on small texts: what it finds, what it must not find.

Key-shaped values are built at run time from random characters, so this file
holds no string a secret scanner (ours, or a push protection) would flag.
"""

from __future__ import annotations

import base64
import json
import secrets
import string
from pathlib import Path

import pytest

from scaffolder.inspect.env_files import find_committed_env_files, is_env_file_name
from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.secrets import scan_text, scan_tree_secrets
from scaffolder.models import SecretFinding, SecretKind
from scaffolder.redact import fingerprint, redact

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
UPPER = string.ascii_uppercase + string.digits


def rand(n: int, alphabet: str = ALNUM) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def jwt(role: str) -> str:
    def seg(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    head = seg({"alg": "HS256", "typ": "JWT"})
    body = seg({"iss": "supabase", "ref": rand(20).lower(), "role": role, "iat": 1, "exp": 2})
    return f"{head}.{body}.{rand(43)}"


def k(*parts: str) -> str:
    """Join pieces so the literal prefix never appears whole in this file."""
    return "".join(parts)


# (detector, file name, text with {v} standing for the value, value)
POSITIVE = [
    ("aws-access-key-id", "s3.js", "const id = '{v}';", k("AK", "IA") + rand(16, UPPER)),
    ("openai-api-key", "ai.py", 'client = OpenAI(api_key="{v}")', k("sk-", "proj-") + rand(80)),
    ("openai-api-key", "ai.ts", "const key = '{v}'", k("sk", "-") + rand(48)),
    ("anthropic-api-key", "a.py", 'KEY = "{v}"', k("sk-", "ant-api03-") + rand(90, ALNUM + "-_")),
    ("stripe-secret-key", "pay.py", "stripe.api_key = '{v}'", k("sk_", "live_") + rand(24)),
    ("stripe-secret-key", "pay.js", "const r = '{v}'", k("rk_", "live_") + rand(24)),
    ("github-token", "deploy.sh", "GITHUB_TOKEN={v}", k("gh", "p_") + rand(36)),
    ("github-token", "ci.yml", "token: {v}", k("github", "_pat_") + rand(82, ALNUM + "_")),
    (
        "slack-bot-token",
        "n.ts",
        "const t = '{v}'",
        k("xo", "xb-") + rand(12, string.digits) + "-" + rand(24),
    ),
    ("google-api-key", "maps.ts", "const key = '{v}'", k("AI", "za") + rand(35)),
    ("twilio-api-key", "sms.py", "sid = '{v}'", k("S", "K") + rand(32, HEX)),
    (
        "sendgrid-api-key",
        "mail.js",
        "sg.setApiKey('{v}')",
        k("S", "G.") + rand(22) + "." + rand(43),
    ),
    ("groq-api-key", "bot.py", 'key = "{v}"', k("gs", "k_") + rand(52)),
    ("deepseek-api-key", "ai.ts", "apiKey: '{v}'", k("sk", "-") + rand(32, HEX)),
    ("supabase-service-role-key", "admin.ts", "const key = '{v}'", jwt("service_role")),
    (
        "postgres-url-with-password",
        "alembic.ini",
        "sqlalchemy.url = postgresql+psycopg://app:{v}@db.example-rds.amazonaws.com/app",
        rand(24),
    ),
    (
        "mongodb-url-with-password",
        "db.json",
        '{{"uri": "mongodb+srv://admin:{v}@cluster0.ab12c.mongodb.net/x"}}',
        rand(24),
    ),
    ("django-secret-key", "settings.py", "SECRET_KEY = '{v}'", "django-insecure-" + rand(40)),
    ("flask-secret-key", "app.py", "app.secret_key = '{v}'", rand(32)),
    ("flask-secret-key", "app.py", "app.config['SECRET_KEY'] = \"{v}\"", "changeme"),
    (
        "express-session-secret",
        "server.js",
        "app.use(session({{\n  resave: false,\n  secret: '{v}',\n}}));",
        "keyboard cat",
    ),
    (
        "jwt-secret",
        "auth.js",
        "const t = jwt.sign({{ id: user.id }}, '{v}', {{ expiresIn: '1h' }})",
        "supersecret123",
    ),
    ("hardcoded-secret", "config.ts", "export const JWT_SECRET = '{v}';", "my-jwt-secret"),
    ("fallback-secret", "auth.ts", "const s = process.env.NEXTAUTH_SECRET || '{v}';", "dev-secret"),
    ("fallback-secret", "config.py", 'JWT = os.getenv("JWT_SECRET", "{v}")', "dev-secret"),
    (
        "fallback-secret",
        "config.py",
        'SECRET_KEY = os.environ.get("SECRET_KEY", default="{v}")',
        "insecure",
    ),
    ("env-file-secret", ".env", "PORT=3000\nJWT_SECRET={v}\n", rand(20)),
    ("env-file-secret", ".env.production", 'ADMIN_PASSWORD="{v}"', "change-me"),
]


# Ids name the case, never the random value: pytest-xdist workers must collect the same ids.
@pytest.mark.parametrize(
    ("detector", "name", "template", "value"),
    POSITIVE,
    ids=[f"{case[0]}-{case[1]}-{i}" for i, case in enumerate(POSITIVE)],
)
def test_detector_finds_value(detector: str, name: str, template: str, value: str) -> None:
    text = (
        "// header\n" + template.format(v=value)
        if name.endswith((".js", ".ts"))
        else (template.format(v=value))
    )
    found = scan_text(name, text)
    assert [f.detector for f in found] == [detector], found
    assert found[0].fingerprint == fingerprint(value)
    assert value not in found[0].model_dump_json()


def test_private_key_block_in_json() -> None:
    body = "\\n".join(rand(64, ALNUM + "+/") for _ in range(10))
    header = k("-----BEGIN ", "PRIVATE KEY-----")
    pem = f"{header}\\n{body}\\n-----END PRIVATE KEY-----\\n"
    text = f'{{\n  "type": "service_account",\n  "private_key": "{pem}"\n}}'
    found = scan_text("serviceAccountKey.json", text)
    assert [(f.kind, f.line) for f in found] == [(SecretKind.PRIVATE_KEY, 3)]
    assert body[:20] not in found[0].model_dump_json()


def test_aws_secret_next_to_key_id_under_any_name() -> None:
    key_id, secret = k("AK", "IA") + rand(16, UPPER), rand(40, ALNUM + "/+")
    text = f"const creds = {{\n  a: '{key_id}',\n  b: '{secret}',\n}};\n"
    found = scan_text("s3.js", text)
    assert [(f.detector, f.line) for f in found] == [
        ("aws-access-key-id", 2),
        ("aws-secret-access-key", 3),
    ]


NEGATIVE = [
    ("aws docs example", "README.md", k("AKIA", "IOSFODNN7EXAMPLE")),
    (
        "stripe test key (skipped by decision)",
        "pay.py",
        "stripe.api_key = '" + k("sk_", "test_") + rand(24) + "'",
    ),
    ("stripe price id", "pay.py", "PRICE_ID = 'price_1N" + rand(20) + "'"),
    ("env reference", "auth.ts", "const s = process.env.JWT_SECRET;"),
    ("fallback to empty", "auth.ts", "const s = process.env.JWT_SECRET || '';"),
    ("fallback of a non-secret", "server.js", "const port = process.env.PORT || '3000';"),
    ("placeholder api key", "ai.py", 'OPENAI_API_KEY = "your-api-key-here"'),
    ("storage key name", "auth.ts", "const ACCESS_TOKEN = 'accessToken';"),
    ("variable name as value", "conf.py", 'SECRET_NAME = "PROD_DB_SECRET"'),
    ("f-string interpolation", "gen.py", "JWT_SECRET = f'{settings.jwt_secret}'"),
    ("template interpolation", "app.js", "app.use(session({ secret: '{{ SESSION }}' }));"),
    (
        "local database",
        "docker-compose.yml",
        "DATABASE_URL: postgres://app:" + rand(16) + "@db:5432/app",
    ),
    ("localhost database", "README.md", "mongodb://user:pass@localhost:27017/test"),
    (
        "placeholder database",
        ".env.example",
        "DATABASE_URL=postgresql://user:password@your-neon-host/db",
    ),
    ("anon key", "client.ts", "const SUPABASE_PUBLISHABLE_KEY = '" + jwt("anon") + "';"),
    ("anon key in env", ".env", "VITE_SUPABASE_ANON_KEY=" + jwt("anon")),
    ("sqlite url", ".env", 'DATABASE_URL="file:./dev.db"'),
    ("example placeholders", ".env.example", "OPENAI_API_KEY=sk-...\nJWT_SECRET=changeme\nTOKEN="),
    ("framework secret in a test", "tests/test_auth.py", "app.secret_key = 'testing-secret'"),
    ("css class", "styles.css", ".task-" + "a" * 50 + " { color: red }"),
    (
        "firebase web config",
        "firebase.ts",
        "const firebaseConfig = { apiKey: '"
        + k("AI", "za")
        + rand(35)
        + "', authDomain: 'x.firebaseapp.com' };",
    ),
    (
        "framework secret in docs",
        "README.md",
        "Set `app.secret_key = 'something-random'` in app.py",
    ),
    # Seen in unseen prototypes (benchmarks/unseen-prototypes.txt): mock data of a Replit
    # settings page, localStorage slot names in React pages, a setup script's instruction.
    (
        "provider's documented sample, masked",
        "settings.tsx",
        "webhookUrl: '"
        + k("https://hooks.", "slack.com/services/")
        + "T00000000/B00000000/"
        + "X" * 24
        + "'",
    ),
    ("storage slot of a key", "LyricsPage.tsx", 'const LS_API_KEY = "lyrics_openai_api_key";'),
    ("storage slot of a secret", "WorkLog.tsx", 'const SECRET_KEY = "worklog_secret";'),
    (
        "storage slot beside localStorage",
        "keys.ts",
        'const TOKEN_KEY = "app_auth_token";\nlocalStorage.getItem(TOKEN_KEY);',
    ),
    (
        "mock webhook secret in a component",
        "integrations.tsx",
        "{ secret: 'crm_webhook_secret_1' }",
    ),
    (
        "an instruction, not a value",
        "configure.sh",
        "OPENAI_API_KEY='Get it from the dashboard or run supabase secrets list'",
    ),
]


@pytest.mark.parametrize(("why", "name", "text"), NEGATIVE, ids=[n[0] for n in NEGATIVE])
def test_not_a_secret(why: str, name: str, text: str) -> None:
    assert scan_text(name, text) == [], why


STILL_SECRETS = [
    # A weak signing secret on a server ships, even if it reads like a slot name.
    ("hardcoded-secret", "server.ts", 'const SESSION_SECRET = "super_secret";'),
    ("hardcoded-secret", "config.ts", "export const API_KEY = 'q8Zr2LmPx7Vt4Ws9';"),
    # A random webhook path is real however it is quoted.
    (
        "slack-webhook",
        "notify.tsx",
        "const u = '"
        + k("https://hooks.", "slack.com/services/")
        + "T0A1B2C3D/B9Z8Y7X6W/"
        + "aB3dE5fG7hJ9kL1mN3pQ5rS7'",
    ),
]


@pytest.mark.parametrize(
    ("detector", "name", "text"), STILL_SECRETS, ids=[s[1] for s in STILL_SECRETS]
)
def test_still_a_secret(detector: str, name: str, text: str) -> None:
    assert [f.detector for f in scan_text(name, text)] == [detector]


def test_specific_detector_wins_over_fallback_on_same_line() -> None:
    token = k("xo", "xb-") + rand(12, string.digits) + "-" + rand(24)
    found = scan_text("notify.ts", f"const t = process.env.SLACK_BOT_TOKEN || '{token}';")
    assert [f.detector for f in found] == ["slack-bot-token"]


def test_line_numbers_and_tree_order() -> None:
    key = k("sk-", "proj-") + rand(60)
    files = [
        SourceFile(path="b.py", text=f"\n\nKEY = '{key}'\n", size=10),
        SourceFile(path="a.py", text=f"KEY = '{key}'\n", size=10),
    ]
    found = scan_tree_secrets(files)
    assert [(f.path, f.line) for f in found] == [("a.py", 1), ("b.py", 3)]
    assert all(f.in_working_tree and not f.in_history for f in found)


def test_redaction_never_leaks() -> None:
    values = [
        k("sk-", "proj-") + rand(60),
        k("gh", "p_") + rand(36),
        jwt("service_role"),
        rand(30),
    ]
    text = "\n".join(
        [
            f"OPENAI = '{values[0]}'",
            f"GH = '{values[1]}'",
            f"SUPABASE_SERVICE_ROLE_KEY = '{values[2]}'",
            f"DATABASE_URL = 'postgres://u:{values[3]}@db.prod-host.com/x'",
        ]
    )
    found = scan_text("config.py", text)
    assert len(found) == 4
    dumped = "".join(f.model_dump_json() for f in found)
    for value in values:
        assert value not in dumped
        assert value[4:-2] not in dumped


def test_redact_shapes() -> None:
    assert redact("sk-abcdefghijklmnf3") == "sk-a...f3"
    assert redact("short") == "****"
    assert redact("elevenchars") == "****"
    assert fingerprint("x") == fingerprint("x") != fingerprint("y")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (".env", True),
        (".env.local", True),
        (".env.production", True),
        ("server/.env.bak", True),
        ("env.txt", True),
        (",env", True),
        ("config.env", True),
        (".envrc", True),
        (".streamlit/secrets.toml", True),
        ("src/vite-env.d.ts", False),
        ("env.d.ts", False),
        ("app/env.py", False),
        ("environment.ts", False),
        ("src/env.ts", False),
    ],
)
def test_env_file_names(path: str, expected: bool) -> None:
    assert is_env_file_name(path) is expected


def test_committed_env_files() -> None:
    tracked = [
        ".env",
        ".env.example",
        ".env.sample",
        "api/.env.template",
        "src/env.ts",
        "README.md",
    ]
    files = [
        SourceFile(path=".env.example", text="OPENAI_API_KEY=sk-...\nJWT_SECRET=\n", size=1),
        SourceFile(path=".env.sample", text="JWT_SECRET=" + rand(24) + "\n", size=1),
        SourceFile(path="api/.env.template", text="DB_PASSWORD=<your password>\n", size=1),
    ]
    assert find_committed_env_files(tracked, tracked, files) == [".env", ".env.sample"]
    # Not a git repository: every path the walk kept counts.
    assert find_committed_env_files([], [",env", "a.py"]) == [",env"]


def test_findings_are_models_with_preview() -> None:
    value = rand(26)
    [finding] = scan_text(".env", f"SESSION_SECRET={value}")
    assert isinstance(finding, SecretFinding)
    assert finding.kind is SecretKind.ENV_FILE
    assert finding.preview == redact(value)


def test_fingerprints_are_keyed_so_a_report_cannot_be_reversed_by_a_dictionary() -> None:
    import hashlib

    password = "hunter2hunter2"
    plain = hashlib.sha256(password.encode()).hexdigest()
    assert fingerprint(password) != plain  # what a dictionary attack would compute
    assert fingerprint(password, b"k" * 32) != fingerprint(password, b"j" * 32)
    assert fingerprint(password, b"k" * 32) == fingerprint(password, b"k" * 32)


def test_the_fingerprint_key_comes_from_the_environment_or_the_users_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffolder import redact

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv(redact.FINGERPRINT_KEY_ENV, raising=False)
    stored = redact.fingerprint_key()
    key_file = tmp_path / "state" / "scaffold" / "fingerprint.key"
    assert key_file.read_bytes() == stored and len(stored) == 32
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert redact.fingerprint("v") == redact.fingerprint("v", stored)  # stable across runs
    monkeypatch.setenv(redact.FINGERPRINT_KEY_ENV, "ci-secret")
    assert (
        redact.fingerprint("v")
        == redact.fingerprint("v", b"ci-secret")
        != (redact.fingerprint("v", stored))
    )


def test_env_files_inside_committed_dependencies_are_not_the_apps() -> None:
    tracked = [
        ".env",
        "node_modules/dotenv/.env",
        "web/node_modules/some-lib/test/.env.local",
        "server/.venv/lib/python3.11/site-packages/pkg/.env",
        "config/node_modules.env",  # a file named like the folder is still the app's
    ]
    assert find_committed_env_files(tracked, tracked) == [".env", "config/node_modules.env"]
