"""Each generated workflow assumes the CI role its trust policy names it for.

scaffolder_stacks/ci_access.py lets the deploy role be assumed only by deploy.yml and
rollback.yml, and the verify role only by backup-verify.yml (both from the default
branch): a workflow asking for the other role's ARN would be refused by AWS.
"""

from __future__ import annotations

from pathlib import Path

from scaffolder_stacks.ci_access import DEPLOY_WORKFLOWS, VERIFY_WORKFLOWS
from tests.render import workflow_model as wm

ROLE_VARIABLE = {
    **{w: "AWS_DEPLOY_ROLE_ARN" for w in DEPLOY_WORKFLOWS},
    **{w: "AWS_VERIFY_ROLE_ARN" for w in VERIFY_WORKFLOWS},
}


def _roles(path: Path) -> set[str]:
    return {
        str(step["with"]["role-to-assume"])
        for job in wm.load(path)["jobs"].values()
        for step in wm.steps(job)
        if "aws-actions/configure-aws-credentials" in str(step.get("uses", ""))
    }


def test_each_workflow_assumes_the_role_that_trusts_it(rendered: dict[str, Path]) -> None:
    seen = set()
    for root in rendered.values():
        for path in sorted(root.glob(".github/workflows/*.yml")):
            roles = _roles(path)
            if not roles:
                continue
            assert path.name in ROLE_VARIABLE, f"{path}: no CI role trusts this workflow"
            assert roles == {f"${{{{ vars.{ROLE_VARIABLE[path.name]} }}}}"}, path
            seen.add(path.name)
    assert seen == set(ROLE_VARIABLE)
