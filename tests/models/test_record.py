"""The dataclass models' encoder writes what pydantic writes (scaffolder/models/record.py).

The audit's JSON report is a public format (docs/schema/report-v1.json): moving its models
from pydantic to dataclasses must not change one byte. pydantic's own serializer, run on
the same dataclasses, is the reference here; benchmarks/same_reports.py checks the real
reports too.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from scaffolder.audit import evaluate, run_audit
from scaffolder.audit.formats.json_report import to_json
from scaffolder.display import displayable, json_safe
from scaffolder.models import (
    AppKind,
    EnvironmentSpec,
    Evidence,
    ReadinessReport,
    RepoFacts,
    RlsAccess,
    RlsOperations,
    RlsProbe,
    RlsTableProbe,
    ScanWarning,
    SecretFinding,
    SecretKind,
    ServiceSpec,
    WarningKind,
)
from scaffolder.models.record import Record
from tests.audit.factories import flat_estimator, ready_facts, secret
from tests.support.prototypes import materialize

_ODD = 'naïve \u00e9\t\n\x00\x1f\x7f \u202e\u2028 "q" \\ 日本 \U0001f600'


def _probe() -> RlsProbe:
    cells = RlsOperations(select="allowed", insert="denied", update="error", delete="denied")
    table = RlsTableProbe(
        schema_name="private",
        table="t",
        rls_enabled=False,
        access=RlsAccess(anon=cells, authenticated_other=cells),
    )
    return RlsProbe(probed=True, reason=None, tables=[table])


def _report() -> ReadinessReport:
    facts = ready_facts(
        name=_ODD,
        secrets=[secret(path=_ODD, line=None), secret(commit="abc", in_history=True)],
        warnings=[ScanWarning(kind=WarningKind.NOT_UTF8, path=None, message=_ODD)],
    )
    report = evaluate(facts, cost_estimator=flat_estimator, tool_version="9.9.9")
    return report.model_copy(
        update={"rls_probe": _probe(), "estimated_monthly_cost_usd": {"dev": 0.1 + 0.2, "x": 1e-7}}
    )


@pytest.mark.parametrize("indent", [None, 2])
def test_the_encoder_writes_pydantics_bytes(indent: int | None) -> None:
    report = _report()
    ours = report.model_dump_json(indent=indent)
    theirs = TypeAdapter(ReadinessReport).dump_json(report, indent=indent).decode()
    assert ours == theirs
    assert '"schema": "private"' in ours or '"schema":"private"' in ours  # the alias


def test_python_and_json_modes_match_pydantic() -> None:
    report = _report()
    adapter = TypeAdapter(ReadinessReport)
    assert report.model_dump(mode="json") == adapter.dump_python(report, mode="json")
    assert report.model_dump() == adapter.dump_python(report)
    assert report.model_dump(mode="json", exclude={"facts"}) == adapter.dump_python(
        report, mode="json", exclude={"facts"}
    )
    probe = _probe().tables[0]
    assert probe.model_dump(by_alias=False)["schema_name"] == "private"


def test_a_non_finite_float_is_written_as_null_as_pydantic_does() -> None:
    report = _report().model_copy(update={"estimated_monthly_cost_usd": {"dev": math.inf}})
    assert json.loads(report.model_dump_json())["estimated_monthly_cost_usd"] == {"dev": None}
    assert report.model_dump_json() == TypeAdapter(ReadinessReport).dump_json(report).decode()


def test_a_real_audit_writes_the_same_bytes_as_pydantic(tmp_path: Path) -> None:
    repo = materialize("lovable-supabase-rls", tmp_path / "repo")
    report = run_audit(repo)
    theirs = TypeAdapter(ReadinessReport).dump_json(report, indent=2).decode()
    assert to_json(report) == json_safe(theirs) + "\n"


def test_validation_round_trips_and_refuses_what_pydantic_refused() -> None:
    report = _report()
    assert ReadinessReport.model_validate_json(report.model_dump_json()) == report
    assert ReadinessReport.model_validate(report.model_dump(mode="json")) == report
    data = report.model_dump(mode="json")
    assert RepoFacts.model_validate(data["facts"]).apps[0].kind is AppKind.EXPRESS
    with pytest.raises(ValidationError):
        Evidence.model_validate({"path": "a", "typo": 1})  # unknown fields are errors
    with pytest.raises(ValidationError):
        ReadinessReport.model_validate({**data, "score": 101})  # Field(ge=0, le=100)
    with pytest.raises(ValidationError):
        SecretFinding.model_validate({**data["facts"]["secrets"][0], "kind": "nope"})
    table = RlsTableProbe.model_validate({**_probe().tables[0].model_dump(), "schema": "s"})
    assert table.schema_name == "s"  # read by its alias, as before


def test_copies_are_copies() -> None:
    facts = ready_facts()
    shallow = facts.model_copy()
    assert shallow == facts and shallow is not facts and shallow.apps is facts.apps
    deep = facts.model_copy(deep=True)
    assert deep == facts and deep.apps is not facts.apps
    changed = facts.model_copy(update={"name": "other"})
    assert (changed.name, facts.name) == ("other", ready_facts().name)
    with pytest.raises(TypeError):
        facts.model_copy(update={"typo": 1})


def test_a_direct_construction_keeps_the_environment_rules() -> None:
    with pytest.raises(ValueError, match="host name"):
        ServiceSpec(name="api", shape="server", domain="https://x.example.com")
    with pytest.raises(ValueError, match="nat_gateways"):
        EnvironmentSpec(project="p", environment="dev", nat="none", nat_gateways=1)
    with pytest.raises(ValidationError) as raised:
        EnvironmentSpec.model_validate({"project": "p", "environment": "dev", "cidr": "x"})
    assert raised.value.errors()[0]["loc"] == ("cidr",)


def test_displayable_escapes_every_string_and_keeps_the_types() -> None:
    report = _report()
    shown = displayable(report)
    assert shown.facts.name == 'naïve é\\t\\n\\x00\\x1f\\x7f \\u202e\\u2028 "q" \\ 日本 \U0001f600'
    assert shown.facts.apps[0].kind is AppKind.EXPRESS
    assert shown.facts.secrets[0].kind is SecretKind(report.facts.secrets[0].kind)
    assert shown.rls_probe == report.rls_probe
    assert dataclasses.replace(shown, facts=report.facts).score == report.score


@dataclasses.dataclass
class _Plain:
    name: str
    at: list[Evidence] = dataclasses.field(default_factory=list)
    ratio: float = 0.5


@dataclasses.dataclass(kw_only=True, slots=True)
class _Holder(Record):
    plain: _Plain | None = None
    kind: SecretKind = SecretKind.ENV_FILE


def test_a_plain_dataclass_inside_a_record_is_written_as_pydantic_writes_it() -> None:
    holder = _Holder(plain=_Plain(name=_ODD, at=[Evidence(path="p", line=3)]))
    adapter = TypeAdapter(_Holder)
    assert holder.model_dump_json(indent=2) == adapter.dump_json(holder, indent=2).decode()
    assert holder.model_dump() == adapter.dump_python(holder)
    assert _Holder.model_validate(holder.model_dump(mode="json")) == holder
