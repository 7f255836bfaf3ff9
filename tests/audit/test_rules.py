"""Every rule fires on the facts it is about and stays quiet on a production-ready repo."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scaffolder.audit import evaluate
from scaffolder.audit.rules import all_rules, get_rule
from scaffolder.audit.rules.leaked_secrets import looks_secret_public_name
from scaffolder.models import (
    AuthFacts,
    AuthKind,
    CiAppOutcome,
    CiRunRecord,
    CiStepOutcome,
    DatabaseHost,
    DatabaseKind,
    DockerfileFacts,
    EnvVarFacts,
    Evidence,
    Finding,
    LockfileDrift,
    MigrationFacts,
    MigrationTool,
    PackageManager,
    RecordedCiRun,
    RecordedVerification,
    RepoFacts,
    ScanWarning,
    SecretKind,
    SupabaseFacts,
    TableRls,
    WarningKind,
    WorkflowFacts,
    WorkflowWeakness,
)
from tests.audit.factories import (
    flat_estimator,
    postgres,
    ready_facts,
    secret,
    server_app,
    static_app,
    with_production,
)

# Cost reminders fire for any deployable repo; everything else must be quiet on ready_facts().
ALWAYS_ON_FOR_SERVERS = {"COST001", "COST002", "COST003"}


def findings(facts: RepoFacts, rule_id: str) -> list[Finding]:
    report = evaluate(facts, cost_estimator=flat_estimator)
    assert not [w for w in report.warnings if "rule" in w.message], report.warnings
    return [f for f in report.findings if f.rule_id == rule_id]


def _ci_run(
    *, build_error: str | None = None, test_error: str | None = None, stale: bool = False
) -> RecordedCiRun:
    """A `scaffold smoke --ci` record for server_app()'s default app ("api" at the root)."""
    steps = [CiStepOutcome("install", "npm ci", 0, True)]
    if test_error is not None:
        steps.append(CiStepOutcome("test", "npm test", 1, False, test_error))
    if build_error is not None:
        steps.append(CiStepOutcome("build", "npm run build", 2, False, build_error))
    started, finished = "2026-12-06T17:00:00+00:00", "2026-12-06T17:01:00+00:00"
    apps = [CiAppOutcome("api", ".", steps)]
    record = CiRunRecord("0.1.0", "a" * 40, False, started, finished, 600, apps)
    return RecordedCiRun(".scaffold/ci-run.json", record, stale=stale, head="b" * 40)


def _sqlite() -> RepoFacts:
    return ready_facts(
        databases=[
            postgres(
                kind=DatabaseKind.SQLITE,
                host=DatabaseHost.LOCAL_FILE,
                committed_files=["prisma/dev.db"],
            )
        ]
    )


def _drift() -> LockfileDrift:
    return LockfileDrift(
        lockfile="package-lock.json",
        manifest="package.json",
        package_manager=PackageManager.NPM,
        missing=["zod ^3.23.8"],
        frozen_install="npm ci",
        fix_command="npm install",
        first_error="npm error `npm ci` can only install packages when ...",
    )


def _weakness(severity: str) -> WorkflowWeakness:
    return WorkflowWeakness.model_validate(
        {
            "ident": "template-injection",
            "severity": severity,
            "confidence": "high",
            "path": ".github/workflows/pr.yml",
            "line": 14,
            "description": "code injection via template expansion",
        }
    )


FIRES: dict[str, Callable[[], RepoFacts]] = {
    "SEC001": lambda: ready_facts(secrets=[secret()]),
    "SEC002": lambda: ready_facts(
        secrets=[secret(in_working_tree=False, in_history=True, commit="abcdef1234567890")]
    ),
    "SEC003": lambda: ready_facts(
        supabase=SupabaseFacts(
            used=True, service_role_in_browser=[Evidence(path="src/lib/admin.ts", line=5)]
        )
    ),
    "SEC004": lambda: ready_facts(committed_env_files=[".env", ".env.example"]),
    "SEC005": lambda: ready_facts(
        secrets=[secret(kind=SecretKind.HARDCODED_FRAMEWORK_SECRET, path="app.py", line=16)]
    ),
    "SEC006": lambda: ready_facts(
        secrets=[secret(kind=SecretKind.FALLBACK_SECRET, path="src/auth.ts", line=11)]
    ),
    "SEC007": lambda: ready_facts(
        env_vars=[
            EnvVarFacts(
                name="VITE_STRIPE_SECRET_KEY",
                public=True,
                evidence=[Evidence(path="src/pay.ts", line=2)],
            )
        ]
    ),
    "SEC008": lambda: ready_facts(
        auth=[AuthFacts(kind=AuthKind.CLIENT_ONLY, evidence=[Evidence(path="src/Login.tsx")])]
    ),
    "SEC009": lambda: ready_facts(auth=[]),
    "SEC010": lambda: ready_facts(
        supabase=SupabaseFacts(
            used=True,
            tables=[
                TableRls(
                    table="habits",
                    rls_enabled=False,
                    evidence=Evidence(path="supabase/migrations/1.sql", line=3),
                ),
                TableRls(
                    table="profiles",
                    rls_enabled=True,
                    evidence=Evidence(path="supabase/migrations/1.sql", line=9),
                ),
            ],
        )
    ),
    "SEC011": lambda: ready_facts(
        apps=[server_app(debug_mode=[Evidence(path="app.py", line=94, snippet="debug=True")])]
    ),
    "SEC012": lambda: ready_facts(
        warnings=[ScanWarning(kind=WarningKind.HISTORY_SKIPPED, message="history skipped")]
    ),
    "SEC013": lambda: ready_facts(
        secrets=[
            secret(kind=SecretKind.CREDENTIAL_DOCUMENT, path="CREDENTIALS.md", line=3),
            secret(kind=SecretKind.CREDENTIAL_DOCUMENT, path="CREDENTIALS.md", line=9),
        ]
    ),
    "DATA001": _sqlite,
    "DATA002": _sqlite,
    "DATA003": lambda: ready_facts(migrations=[]),
    "DATA004": lambda: ready_facts(migrations=[MigrationFacts(tool=MigrationTool.PRISMA_DB_PUSH)]),
    "DATA005": lambda: ready_facts(
        migrations=[MigrationFacts(tool=MigrationTool.LOOSE_SQL, directory="db")]
    ),
    "DATA006": lambda: with_production(
        ready_facts(), environments=["dev"], iac=[], verifications=[]
    ),
    "DATA007": lambda: ready_facts(
        databases=[postgres(kind=DatabaseKind.MONGODB, host=DatabaseHost.OTHER)]
    ),
    "OPS001": lambda: with_production(ready_facts(), dockerfiles=[]),
    "OPS002": lambda: with_production(
        ready_facts(),
        dockerfiles=[
            DockerfileFacts(
                path="Dockerfile", production_grade=False, problems=["runs npm run dev"]
            )
        ],
    ),
    "OPS003": lambda: with_production(ready_facts(), workflows=[]),
    "OPS004": lambda: with_production(
        ready_facts(), workflows=[WorkflowFacts(path=".github/workflows/ci.yml", runs_tests=False)]
    ),
    "OPS005": lambda: with_production(
        ready_facts(apps=[server_app(health_path=None)]), health_endpoints=[]
    ),
    "OPS006": lambda: with_production(ready_facts(), error_tracking=[]),
    "OPS007": lambda: with_production(ready_facts(), logging_libraries=[]),
    "OPS008": lambda: with_production(ready_facts(), environments=["dev"]),
    "OPS009": lambda: ready_facts(
        apps=[
            server_app(test_command="npm test", test_failure="No tests found, exiting with code 1")
        ]
    ),
    "OPS010": lambda: ready_facts(ci_run=_ci_run(build_error="error TS7006: Parameter 'x'")),
    "CODE001": lambda: with_production(
        ready_facts(apps=[server_app(has_tests=False)]), test_files=0
    ),
    "CODE002": lambda: ready_facts(apps=[server_app(lockfiles=[])]),
    "CODE003": lambda: ready_facts(
        apps=[server_app(lockfiles=["bun.lockb", "package-lock.json"], lockfile_conflict=True)]
    ),
    "CODE004": lambda: ready_facts(apps=[server_app(runtime_version=None)]),
    "CODE005": lambda: ready_facts(node_modules_committed=["node_modules"]),
    "CODE006": lambda: ready_facts(
        warnings=[ScanWarning(kind=WarningKind.NOT_UTF8, path="data.csv", message="not UTF-8")]
    ),
    "CODE007": lambda: ready_facts(lockfile_drift=[_drift()]),
    "CODE008": lambda: ready_facts(
        env_vars=[
            EnvVarFacts(
                name="DATABASE_URL",
                read_at_build=[Evidence(path="src/lib/server/db.ts", line=2)],
            )
        ]
    ),
    "CODE009": lambda: ready_facts(apps=[server_app(undeclared_dependencies=["flask"])]),
    "CODE010": lambda: ready_facts(
        apps=[
            server_app(
                unresolved_extends=[
                    Evidence(
                        path="tsconfig.json", snippet='extends "@tsconfig/svelte/tsconfig.json"'
                    )
                ]
            )
        ]
    ),
    "SEC030": lambda: ready_facts(workflow_weaknesses=[_weakness("high")]),
    "SEC031": lambda: ready_facts(workflow_weaknesses=[_weakness("medium")]),
    "SEC032": lambda: ready_facts(workflow_weaknesses=[_weakness("informational")]),
    "COST001": ready_facts,
    "COST002": ready_facts,
    "COST003": ready_facts,
    "COST004": lambda: with_production(ready_facts(), iac=[], environments=[]),
}


# They fire on what the live RLS probe measured, not on facts: tests/audit/test_rls_probe*.py.
PROBE_RULES = {"SEC020", "SEC021"}


def test_every_rule_has_a_firing_case() -> None:
    assert set(FIRES) | PROBE_RULES == {r.id for r in all_rules()}


@pytest.mark.parametrize("rule_id", sorted(FIRES))
def test_rule_fires(rule_id: str) -> None:
    found = findings(FIRES[rule_id](), rule_id)
    assert found, f"{rule_id} did not fire"
    rule = get_rule(rule_id)
    for finding in found:
        assert finding.dimension == rule.dimension
        assert finding.severity == rule.severity
        assert finding.why == rule.why and finding.fix == rule.fix
        assert finding.fix_command == rule.fix_command


@pytest.mark.parametrize("rule_id", sorted({r.id for r in all_rules()} - ALWAYS_ON_FOR_SERVERS))
def test_rule_is_quiet_on_a_ready_repository(rule_id: str) -> None:
    assert findings(ready_facts(), rule_id) == []


def test_rules_metadata_is_complete_and_ids_are_well_formed() -> None:
    prefixes = {
        "code": "CODE",
        "security": "SEC",
        "data": "DATA",
        "operations": "OPS",
        "cost": "COST",
    }
    for rule in all_rules():
        assert rule.id.startswith(prefixes[rule.dimension.value]) and rule.id[-3:].isdigit()
        assert rule.title and rule.action
        assert rule.why.endswith(".") and rule.fix.endswith("."), rule.id
        assert rule.fix_command is None or rule.fix_command.startswith("scaffold ")


# ------------------------------------------------------------------ details per rule


def test_each_committed_secret_is_its_own_critical_finding_with_a_redacted_preview() -> None:
    facts = ready_facts(
        secrets=[
            secret(),
            secret(path="server/s3.js", line=9, fingerprint="a" * 64, description="AWS key"),
            # the same value reported again by the history scan: still one finding
            secret(in_history=True, commit="1234567890abcdef"),
        ]
    )
    found = findings(facts, "SEC001")
    assert [(f.evidence[0].path, f.evidence[0].line) for f in found] == [
        ("server/ai.js", 4),
        ("server/s3.js", 9),
    ]
    assert found[0].severity.value == "critical"
    assert found[0].evidence[0].snippet == "sk-a...f3"
    assert "committed in server/ai.js" in found[0].title
    assert findings(facts, "SEC002") == []


def test_history_only_secret_says_rotate_and_names_the_commit() -> None:
    facts = FIRES["SEC002"]()
    (finding,) = findings(facts, "SEC002")
    assert finding.severity.value == "critical"
    assert "deleting the file does not unleak it" in finding.fix
    assert finding.evidence[0].snippet == "sk-a...f3 (commit abcdef12)"
    assert findings(facts, "SEC001") == []


def test_secret_kinds_are_not_double_counted_across_rules() -> None:
    facts = FIRES["SEC005"]()
    assert findings(facts, "SEC001") == [] and findings(facts, "SEC006") == []


def test_supabase_service_role_env_var_counts_as_browser_exposure() -> None:
    facts = ready_facts(env_vars=[EnvVarFacts(name="VITE_SUPABASE_SERVICE_ROLE_KEY", public=True)])
    assert findings(facts, "SEC003")
    assert findings(facts, "SEC007") == []  # reported once, by SEC003


def test_env_example_files_are_not_committed_env_files() -> None:
    (finding,) = findings(FIRES["SEC004"](), "SEC004")
    assert [e.path for e in finding.evidence] == [".env"]
    assert (
        findings(ready_facts(committed_env_files=[".env.example", ".env.sample"]), "SEC004") == []
    )


def test_env_file_secret_kind_is_reported_as_a_committed_env_file() -> None:
    facts = ready_facts(secrets=[secret(kind=SecretKind.ENV_FILE, path=",env")])
    (finding,) = findings(facts, "SEC004")
    assert finding.evidence[0].path == ",env"


@pytest.mark.parametrize(
    ("name", "secret_looking"),
    [
        ("VITE_STRIPE_SECRET_KEY", True),
        ("NEXT_PUBLIC_OPENAI_KEY", True),
        ("VITE_OPENAI_API_KEY", True),
        ("NEXT_PUBLIC_GITHUB_TOKEN", True),
        ("VITE_DB_PASSWORD", True),
        ("VITE_SUPABASE_ANON_KEY", False),
        ("NEXT_PUBLIC_SUPABASE_ANON_KEY", False),
        ("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", False),
        ("VITE_STRIPE_PUBLISHABLE_KEY", False),
        ("NEXT_PUBLIC_RECAPTCHA_SITE_KEY", False),
        ("VITE_FIREBASE_API_KEY", False),
        ("NEXT_PUBLIC_APP_URL", False),
        ("VITE_KEYBOARD_LAYOUT", False),
        ("VITE_SUPABASE_SERVICE_ROLE_KEY", False),  # SEC003's
    ],
)
def test_browser_variable_names(name: str, secret_looking: bool) -> None:
    assert looks_secret_public_name(name) is secret_looking


def test_server_side_secret_variables_are_not_browser_exposed() -> None:
    facts = ready_facts(env_vars=[EnvVarFacts(name="STRIPE_SECRET_KEY", public=False)])
    assert findings(facts, "SEC007") == []


def test_no_auth_rule_needs_a_server_and_a_database() -> None:
    assert findings(ready_facts(auth=[], databases=[], migrations=[]), "SEC009") == []
    assert findings(ready_facts(auth=[], apps=[static_app()]), "SEC009") == []


def test_rls_finding_names_only_the_open_tables() -> None:
    (finding,) = findings(FIRES["SEC010"](), "SEC010")
    assert "public.habits" in finding.title and "profiles" not in finding.title
    assert [e.line for e in finding.evidence] == [3]


def test_no_history_warning_is_info_and_costs_nothing() -> None:
    report = evaluate(FIRES["SEC012"]())
    security = next(d for d in report.dimensions if d.dimension.value == "security")
    assert security.score == 100 and security.findings == 1


def test_sqlite_findings_point_at_the_schema_and_the_committed_file() -> None:
    (committed,) = findings(_sqlite(), "DATA002")
    assert [e.path for e in committed.evidence] == ["prisma/dev.db"]
    assert findings(_sqlite(), "DATA001")[0].fix_command == "scaffold init"


def test_mongodb_gets_its_own_finding_not_migrations_or_backups() -> None:
    facts = FIRES["DATA007"]().model_copy(update={"migrations": []})
    (finding,) = findings(facts, "DATA007")
    assert finding.title.startswith("MongoDB")
    assert findings(facts, "DATA003") == [] and findings(facts, "DATA006") == []


def test_backups_close_only_when_a_passed_verification_of_prod_is_recorded() -> None:
    assert findings(ready_facts(), "DATA006") == []
    (finding,) = findings(FIRES["DATA006"](), "DATA006")
    assert finding.fix_command == "scaffold backup verify prod"
    assert finding.status == "open" and finding.planned is None
    assert findings(FIRES["DATA006"]().model_copy(update={"databases": []}), "DATA006") == []
    # infra/ defining prod's backups is the plan, not a verified restore
    (planned,) = findings(with_production(ready_facts(), verifications=[]), "DATA006")
    assert planned.status == "planned" and planned.planned
    assert ".scaffold/verifications/prod.json" in planned.planned
    # a failed verification is recorded: open, with the report as evidence
    failed = RecordedVerification(
        path=".scaffold/verifications/prod.json", environment="prod", passed=False
    )
    (broken,) = findings(with_production(ready_facts(), verifications=[failed]), "DATA006")
    assert broken.status == "open" and broken.evidence[0].path == failed.path
    # a staging verification does not verify prod
    staging = failed.model_copy(update={"environment": "staging", "passed": True})
    (still,) = findings(with_production(ready_facts(), verifications=[staging]), "DATA006")
    assert still.status == "planned"


def test_staging_defined_only_by_scaffold_is_planned_until_the_stack_is_recorded() -> None:
    planned = with_production(ready_facts(), planned_environments=["dev", "prod", "staging"])
    (finding,) = findings(planned, "OPS008")
    assert finding.status == "planned" and "scaffold up staging" in (finding.planned or "")
    for created in (["staging"], ["stage"]):
        provisioned = with_production(planned, provisioned_environments=created)
        assert findings(provisioned, "OPS008") == []
    # named by the user's own files (a workflow, .env.staging): theirs, not a plan
    assert findings(ready_facts(), "OPS008") == []


def test_an_unwired_health_module_is_planned_not_a_health_endpoint() -> None:
    module = Evidence(path="health.cjs", line=12, snippet="/healthz")
    unwired = ready_facts(apps=[server_app(health_path=None)])
    facts = with_production(unwired, health_endpoints=[], unwired_health=[module])
    (finding,) = findings(facts, "OPS005")
    assert finding.status == "planned" and finding.evidence == [module]
    assert "health.cjs" in (finding.planned or "") and "require" in finding.fix
    bare = with_production(unwired, health_endpoints=[])
    (missing,) = findings(bare, "OPS005")
    assert missing.status == "open"


def test_static_apps_need_no_dockerfile_or_health_endpoint() -> None:
    facts = with_production(ready_facts(apps=[static_app()]), dockerfiles=[], health_endpoints=[])
    assert findings(facts, "OPS001") == [] and findings(facts, "OPS005") == []


def test_dockerfile_must_sit_in_the_app_root() -> None:
    facts = ready_facts(apps=[server_app(), server_app(name="worker", root="worker")])
    (finding,) = findings(facts, "OPS001")
    assert "worker (worker)" in finding.title and "api" not in finding.title


def test_health_endpoint_found_by_the_production_scan_counts() -> None:
    facts = ready_facts(apps=[server_app(health_path=None)])
    assert findings(facts, "OPS005") == []  # src/health.ts is in production.health_endpoints


def test_dev_dockerfile_lists_its_problems() -> None:
    (finding,) = findings(FIRES["OPS002"](), "OPS002")
    assert finding.evidence[0].snippet == "runs npm run dev"


def test_other_ci_counts_as_ci() -> None:
    facts = with_production(ready_facts(), workflows=[], other_ci=[".gitlab-ci.yml"])
    assert findings(facts, "OPS003") == []


@pytest.mark.parametrize("names", [["production", "stage"], ["PROD", "Staging", "dev"]])
def test_environment_aliases(names: list[str]) -> None:
    assert findings(with_production(ready_facts(), environments=names), "OPS008") == []


def test_conflicting_lockfiles_name_both_files() -> None:
    (finding,) = findings(FIRES["CODE003"](), "CODE003")
    assert [e.path for e in finding.evidence] == ["bun.lockb", "package-lock.json"]


def test_scan_warning_rule_skips_history_and_binary_warnings() -> None:
    facts = ready_facts(
        warnings=[
            ScanWarning(kind=WarningKind.BINARY, path="logo.png", message="binary"),
            ScanWarning(kind=WarningKind.HISTORY_SKIPPED, message="skipped"),
        ]
    )
    assert findings(facts, "CODE006") == []


def test_cost_rules_use_the_estimate_and_the_default_specs() -> None:
    (estimate,) = findings(ready_facts(), "COST001")
    # flat_estimator: dev/staging = service 10 + db 20 (a NAT instance, no gateway);
    # prod = 10 + 20 + 2 NAT gateways x 30
    assert estimate.title == (
        "Estimated monthly AWS cost: dev $30.00, staging $30.00, prod $90.00 (total $150.00)"
    )
    (nat,) = findings(ready_facts(), "COST002")
    assert "NAT gateways: 2 in prod (" in nat.title
    (multi_az,) = findings(ready_facts(), "COST003")
    assert "prod" in multi_az.title and "dev" not in multi_az.title


def test_cost_rules_are_quiet_without_apps_or_an_estimator() -> None:
    empty = RepoFacts(root="/empty", name="empty")
    assert evaluate(empty, cost_estimator=flat_estimator).findings == []
    static_only = ready_facts(apps=[static_app()], databases=[], migrations=[])
    assert findings(static_only, "COST002") == [] and findings(static_only, "COST003") == []
    report = evaluate(ready_facts(), cost_estimator=None)  # no estimate, no COST001
    assert report.estimated_monthly_cost_usd == {}
    assert not [f for f in report.findings if f.rule_id == "COST001"]


# docs/architecture.md, 'Commands': the commands a fix or a launch step may point at.
DESIGN_COMMANDS = {
    "audit",
    "init",
    "plan",
    "preview",
    "up",
    "destroy",
    "outputs",
    "bootstrap",
    "secrets",
    "backup",
    "rollback",
    "status",
}


def test_fix_commands_and_plan_steps_name_real_commands() -> None:
    report = evaluate(FIRES["DATA006"]())
    commands = [r.fix_command for r in all_rules() if r.fix_command]
    commands += [s.command for s in report.launch_plan if s.command]
    for command in commands:
        words = command.split()
        assert words[0] == "scaffold" and words[1] in DESIGN_COMMANDS, command
        if words[1] in {"plan", "up", "destroy", "secrets", "backup"}:
            assert words[-1] in {"dev", "staging", "prod"}, command


def test_a_fallback_default_only_in_history_is_not_a_leak() -> None:
    """A Replit app once had `SESSION_SECRET || "dev-secret-..."`; the code no longer has it."""
    old_default = secret(
        kind=SecretKind.FALLBACK_SECRET,
        detector="fallback-secret",
        in_working_tree=False,
        in_history=True,
        commit="abcdef1234567890",
    )
    assert findings(ready_facts(secrets=[old_default]), "SEC002") == []


def test_a_failing_test_command_is_reported_with_its_first_error_line() -> None:
    facts = ready_facts(
        apps=[server_app(root="api", test_command="npm test", test_failure="No tests found")]
    )

    (finding,) = findings(facts, "OPS009")

    assert finding.evidence[0].path == "api/package.json"
    assert finding.evidence[0].snippet == "`npm test`: No tests found"


def test_a_recorded_failing_build_names_the_command_its_error_and_a_stale_record() -> None:
    facts = ready_facts(ci_run=_ci_run(build_error="error TS7006: Parameter 'x'", stale=True))

    (finding,) = findings(facts, "OPS010")

    assert finding.title == "The app's build step fails: api"
    snippet = finding.evidence[0].snippet or ""
    assert snippet.startswith("`npm run build` failed (exit 2): error TS7006: Parameter 'x'")
    assert "aaaaaaa" in snippet and "stale" in snippet and "HEAD is bbbbbbb" in snippet


def test_a_recorded_failing_test_names_where_it_ran() -> None:
    facts = ready_facts(
        apps=[server_app(test_command="npm test", test_failure="● cart > total: expected 5")],
        ci_run=_ci_run(test_error="● cart > total: expected 5"),
    )

    (finding,) = findings(facts, "OPS009")

    snippet = finding.evidence[0].snippet or ""
    assert snippet.startswith("`npm test` failed (exit 1): ● cart > total: expected 5")
    assert "`scaffold smoke --ci` ran it at aaaaaaa" in snippet and "stale" not in snippet
    assert not findings(facts, "OPS010")


def test_unresolved_extends_names_the_build_command_and_its_first_error() -> None:
    evidence = Evidence(path="tsconfig.json", snippet='extends "@tsconfig/svelte/tsconfig.json"')
    app = server_app(unresolved_extends=[evidence], build_command="pnpm run build")
    [finding] = [f for f in evaluate(ready_facts(apps=[app])).findings if f.rule_id == "CODE010"]
    assert "`pnpm run build` fails: error TS6053: File '@tsconfig/svelte/tsconfig.json'" in (
        finding.title
    )
