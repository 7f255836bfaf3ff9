"""evaluate(): pure, deterministic, and never brought down by odd facts or a faulty rule."""

from __future__ import annotations

import random
from collections.abc import Iterator

from scaffolder.audit import evaluate
from scaffolder.audit.rules import AuditContext, Hit, Stage, all_rules
from scaffolder.audit.rules.base import Rule
from scaffolder.models import (
    AppKind,
    AuthFacts,
    AuthKind,
    DatabaseFacts,
    DatabaseHost,
    DatabaseKind,
    DeployShape,
    Dimension,
    DockerfileFacts,
    EnvVarFacts,
    Evidence,
    Language,
    MigrationFacts,
    MigrationTool,
    ProductionPieces,
    RepoFacts,
    ScanWarning,
    SecretFinding,
    SecretKind,
    Severity,
    SupabaseFacts,
    TableRls,
    WarningKind,
    WorkflowFacts,
)
from tests.audit.factories import flat_estimator, ready_facts, secret, server_app


def odd_facts() -> RepoFacts:
    """Valid but strange: empty names, zero lines, unicode and brackets in paths, duplicates."""
    weird = Evidence(path="pages/api/[...nextauth].ts", line=0, snippet="")
    return RepoFacts(
        root="/tmp/ünïcode repo",
        name="",
        apps=[
            server_app(name="", root="", port=0, lockfiles=[""], evidence=[], debug_mode=[weird]),
            server_app(
                name="x" * 300,
                root="./a/",
                kind=AppKind.STREAMLIT,
                language=Language.PYTHON,
                shape=DeployShape.SERVER,
                port=99999,
                runtime_version="",
                health_path="",
            ),
        ],
        databases=[
            DatabaseFacts(kind=DatabaseKind.MYSQL, host=DatabaseHost.OTHER, committed_files=[""]),
            DatabaseFacts(kind=DatabaseKind.SQLITE, host=DatabaseHost.LOCAL_FILE),
        ],
        migrations=[MigrationFacts(tool=MigrationTool.LOOSE_SQL, app_root="", directory="")],
        auth=[AuthFacts(kind=AuthKind.CLIENT_ONLY)],
        env_vars=[EnvVarFacts(name="", public=True), EnvVarFacts(name="VITE_", public=True)],
        production=ProductionPieces(
            dockerfiles=[
                DockerfileFacts(path="", app_root="", production_grade=False, problems=[""])
            ],
            workflows=[WorkflowFacts(path="", runs_tests=False)],
            test_files=-1,
            environments=["", " ", "PRODUCTION"],
            health_endpoints=[weird, weird],
        ),
        secrets=[
            SecretFinding(
                kind=kind,
                detector="",
                description="",
                path="",
                line=0,
                preview="",
                fingerprint="",
                in_working_tree=tree,
                in_history=not tree,
                commit="" if tree else "a",
            )
            for kind in SecretKind
            for tree in (True, False)
        ],
        committed_env_files=["", ".env", ".env"],
        node_modules_committed=["", "node_modules"],
        supabase=SupabaseFacts(
            used=True,
            tables=[TableRls(schema_name="", table="", rls_enabled=False, evidence=weird)],
            service_role_in_browser=[weird],
        ),
        warnings=[ScanWarning(kind=kind, message="") for kind in WarningKind],
    )


def test_odd_facts_do_not_crash_any_rule() -> None:
    report = evaluate(odd_facts(), cost_estimator=flat_estimator)
    assert not [w for w in report.warnings if "rule" in w.message or "cost" in w.message]
    fired = {f.rule_id for f in report.findings}
    assert {"SEC001", "SEC002", "SEC008", "DATA001", "DATA007", "OPS002", "OPS004"} <= fired
    assert 0 <= report.score <= 100


def test_empty_facts_give_a_full_score_and_a_launch_plan() -> None:
    report = evaluate(RepoFacts(root="/x", name="x"))
    assert report.score == 100 and report.findings == [] and report.top_risks == []
    assert report.launch_plan[0].command == "scaffold init"


def _boom(ctx: AuditContext) -> Iterator[Hit]:
    raise RuntimeError("broken rule")


def test_a_failing_rule_becomes_a_warning_and_the_others_still_run() -> None:
    broken = Rule(
        id="SEC999",
        dimension=Dimension.SECURITY,
        severity=Severity.HIGH,
        title="broken",
        why="Broken.",
        fix="Fix.",
        action="fix",
        stage=Stage.MANUAL,
        fix_command=None,
        check=_boom,
    )
    facts = ready_facts(secrets=[secret()])
    report = evaluate(facts, rules=[broken, *all_rules()])
    assert any("SEC999" in w.message and "RuntimeError" in w.message for w in report.warnings)
    assert any(f.rule_id == "SEC001" for f in report.findings)


def test_a_failing_cost_estimator_becomes_a_warning() -> None:
    def broken(spec: object) -> list:  # type: ignore[type-arg]
        raise ValueError("no prices")

    report = evaluate(ready_facts(), cost_estimator=broken)
    assert report.estimated_monthly_cost_usd == {}
    assert any("cost" in w.message for w in report.warnings)


def test_evaluate_is_deterministic_whatever_the_order_of_facts() -> None:
    facts = odd_facts()
    first = evaluate(facts, cost_estimator=flat_estimator, tool_version="1.0")
    shuffled = facts.model_copy(deep=True)
    rng = random.Random(7)
    rng.shuffle(shuffled.secrets)
    second = evaluate(facts, cost_estimator=flat_estimator, tool_version="1.0")
    again = evaluate(shuffled, cost_estimator=flat_estimator, tool_version="1.0")
    assert first.model_dump_json() == second.model_dump_json()
    assert [f.rule_id for f in again.findings] == [f.rule_id for f in first.findings]
    assert again.score == first.score and again.top_risks == first.top_risks


def test_evaluate_prices_with_the_offline_price_table_by_default() -> None:
    report = evaluate(ready_facts())
    costs = report.estimated_monthly_cost_usd
    assert set(costs) == {"dev", "staging", "prod"} and 0 < costs["dev"] < costs["prod"]
    assert not report.warnings


def test_report_carries_the_facts_the_repository_and_the_cost() -> None:
    report = evaluate(ready_facts(), cost_estimator=flat_estimator, tool_version="9.9.9")
    assert report.schema_version == "1" and report.tool_version == "9.9.9"
    assert report.repository == "acme/ready"
    assert report.facts.name == "ready"
    assert report.estimated_monthly_cost_usd == {"dev": 30.0, "staging": 30.0, "prod": 90.0}


# Keys whose values are enum members: mutating them would not give valid facts.
_ENUM_KEYS = {"kind", "host", "tool", "language", "shape", "package_manager", "nextjs_router"}
_STRINGS = ["", ".", "./", "/", "a b/ü[1].ts", "x" * 500, "NEXT_PUBLIC_", "prod"]
_INTS = [0, -1, 1, 65536, 10**9]


def _mutate(value: object, rng: random.Random, key: str = "") -> object:
    if isinstance(value, dict):
        return {k: _mutate(v, rng, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_mutate(v, rng, key) for v in value if rng.random() < 0.8]
        return items + items[:1] if rng.random() < 0.2 else items
    if isinstance(value, bool):
        return rng.random() < 0.5
    if isinstance(value, int):
        return rng.choice([*_INTS, value])
    if isinstance(value, str) and key not in _ENUM_KEYS and rng.random() < 0.3:
        return rng.choice(_STRINGS)
    return value


def test_randomly_mutated_facts_never_crash_a_rule() -> None:
    seeds = [odd_facts().model_dump(mode="json"), ready_facts().model_dump(mode="json")]
    rng = random.Random(20261122)
    for _ in range(150):
        document = _mutate(rng.choice(seeds), rng)
        facts = RepoFacts.model_validate(document)
        report = evaluate(facts, cost_estimator=flat_estimator)
        assert not [w for w in report.warnings if w.message.startswith("rule ")], facts
        assert 0 <= report.score <= 100
