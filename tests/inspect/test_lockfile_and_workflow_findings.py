"""CODE007 (lockfile out of sync) and SEC030-SEC032 (the repo's own workflows) as findings."""

from __future__ import annotations

from collections.abc import Callable

from scaffolder.audit import evaluate
from scaffolder.models import Finding, RepoFacts, Severity, WorkflowWeakness
from tests.audit.factories import flat_estimator, ready_facts


def _findings(facts: RepoFacts, prefix: str) -> list[Finding]:
    report = evaluate(facts, cost_estimator=flat_estimator)
    return [f for f in report.findings if f.rule_id.startswith(prefix)]


def test_a_stale_package_lock_is_one_high_code_finding_with_the_fix_and_the_error(
    fixture_facts: Callable[[str], RepoFacts],
) -> None:
    (finding,) = _findings(fixture_facts("lovable-bun-npm-drift"), "CODE007")
    assert finding.severity is Severity.HIGH
    assert finding.title == (
        "package-lock.json is out of sync with package.json: `npm ci` fails; "
        "run `npm install` and commit it"
    )
    lock, manifest = finding.evidence
    assert lock.path == "package-lock.json"
    assert lock.snippet is not None and lock.snippet.startswith(
        "`npm ci` fails: npm error `npm ci`"
    )
    assert lock.snippet.endswith("Missing: @hookform/resolvers@^3.9.0 from lock file")
    assert manifest.path == "package.json"
    assert manifest.snippet == (
        "missing from the lockfile: @hookform/resolvers ^3.9.0, react-hook-form ^7.53.0 and "
        "zod ^3.23.8; @tanstack/react-query ^5.59.0 in package.json, ^5.56.2 in package-lock.json"
    )


def test_a_workspace_member_finding_names_the_member_and_the_root_install(
    fixture_facts: Callable[[str], RepoFacts],
) -> None:
    (finding,) = _findings(fixture_facts("pnpm-workspace-drift"), "CODE007")
    assert "pnpm-lock.yaml is out of sync with apps/api/package.json" in finding.title
    assert "`pnpm install --frozen-lockfile` fails; run `pnpm install`" in finding.title
    assert finding.evidence[1].snippet == (
        "missing from the lockfile: stripe ^16.12.0; "
        "express ^4.21.0 in package.json, ^4.19.2 in pnpm-lock.yaml"
    )


def test_workflow_weaknesses_become_one_finding_per_kind_in_each_severity_band(
    fixture_facts: Callable[[str], RepoFacts],
) -> None:
    found = _findings(fixture_facts("pnpm-workspace-drift"), "SEC03")
    high = {f.title.split(")")[0] + ")": f for f in found if f.rule_id == "SEC030"}
    assert set(high) >= {
        "Workflow weakness (dangerous-triggers)",
        "Workflow weakness (template-injection)",
        "Workflow weakness (unpinned-uses)",
    }
    unpinned = high["Workflow weakness (unpinned-uses)"]
    assert "in .github/workflows/preview.yml, 3 places" in unpinned.title
    assert [(e.path, e.line) for e in unpinned.evidence] == [
        (".github/workflows/preview.yml", 12),
        (".github/workflows/preview.yml", 15),
        (".github/workflows/preview.yml", 19),
    ]
    assert (unpinned.evidence[0].snippet or "").startswith("unpinned-uses (high confidence): ")
    medium = {f.title for f in found if f.rule_id == "SEC031"}
    assert any("(excessive-permissions)" in t for t in medium)
    assert all(f.severity is Severity.HIGH for f in found if f.rule_id == "SEC030")


def test_informational_and_low_findings_share_the_low_rule() -> None:
    def weakness(ident: str, severity: str, line: int) -> WorkflowWeakness:
        return WorkflowWeakness.model_validate(
            {
                "ident": ident,
                "severity": severity,
                "confidence": "low",
                "path": f".github/workflows/{ident}.yml",
                "line": line,
                "description": ident.replace("-", " "),
            }
        )

    facts = ready_facts(
        workflow_weaknesses=[
            weakness("obfuscation", "low", 3),
            weakness("anonymous-definition", "informational", 1),
        ]
    )
    found = _findings(facts, "SEC03")
    assert [(f.rule_id, f.severity) for f in found] == [
        ("SEC032", Severity.LOW),
        ("SEC032", Severity.LOW),
    ]


def test_sveltekit_static_private_is_a_build_time_finding_naming_each_import(
    fixture_facts: Callable[[str], RepoFacts],
) -> None:
    """SvelteKit inlines $env/static/private at build: the image build (no secrets) fails
    on `DATABASE_URL is not exported` (the run contract's sveltekit-postgres); the audit
    says so, at the import, with the dynamic import as the fix."""
    (finding,) = _findings(fixture_facts("sveltekit-postgres"), "CODE008")
    assert finding.severity is Severity.HIGH
    assert finding.title == "Server values read at build time ($env/static/private): DATABASE_URL"
    (where,) = finding.evidence
    assert (where.path, where.line) == ("src/lib/server/db.ts", 2)
    assert "$env/dynamic/private" in finding.fix
    # $env/static/public (PUBLIC_*) is meant to be inlined: not a finding.
    facts = fixture_facts("sveltekit-postgres")
    public = [v for v in facts.env_vars if v.name.startswith("PUBLIC_")]
    assert public and not any(v.read_at_build for v in public)


def test_no_build_time_finding_without_static_private(
    fixture_facts: Callable[[str], RepoFacts],
) -> None:
    assert _findings(fixture_facts("bolt-vite-express"), "CODE008") == []
