"""The app's Secrets Manager secret: created empty, filled by `scaffold secrets push`."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from scaffolder_stacks._common import child

TAG_VALUE_LIMIT = 256


@dataclass
class AppSecretArgs:
    name: str  # "<project>/<env>/app"
    kms_key_arn: pulumi.Input[str]
    tags: dict[str, str]
    secret_names: list[str] = field(default_factory=list)
    recovery_window_days: int = 30


def names_tag(names: list[str]) -> str:
    """Tag values allow letters, digits, spaces and _.:/=+-@ (no commas), 256 at most."""
    text = " ".join(sorted(names))
    return text if len(text) <= TAG_VALUE_LIMIT else text[: TAG_VALUE_LIMIT - 3] + "..."


class AppSecret(pulumi.ComponentResource):
    """Only the container of the values lives in Pulumi.

    No SecretVersion is created: a value in the program would land in the
    Pulumi state file. The key names are recorded for `scaffold secrets list`.
    """

    secret: aws.secretsmanager.Secret

    def __init__(
        self, name: str, args: AppSecretArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:secrets:AppSecret", name, None, opts)
        listed = ", ".join(sorted(args.secret_names)) or "none yet"
        self.secret = aws.secretsmanager.Secret(
            name,
            name=args.name,
            description=f"App variables (JSON object). Keys: {listed}"[:2048],
            kms_key_id=args.kms_key_arn,
            recovery_window_in_days=args.recovery_window_days,
            tags={**args.tags, "scaffold:secret-names": names_tag(args.secret_names)},
            opts=child(self),
        )
        self.register_outputs({"arn": self.secret.arn})
