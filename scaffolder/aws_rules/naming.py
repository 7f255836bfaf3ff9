"""Physical names AWS accepts: one function and one table of per-type limits. Pure.

Every resource AWS names gets an explicit name from `physical_name`; nothing
is left to Pulumi's autonaming (logical name + "-" + 7 random characters).
Why explicit everywhere rather than autonaming with short logical names:
- the name is known before `scaffold up`, so `scaffold plan` shows exactly what
  AWS receives and the graph test checks it against AWS's limits;
- IAM policies can scope by name (task families, restore-test instances);
- a random suffix does not say which project or environment a resource is.
The price: a resource replaced with the same name must be deleted first. Names
that a replacement-forcing setting changes carry that setting (the target
group's port, the parameter group's engine family).

A name is the words joined by the type's separator. When it is too long, or a
word had to change to fit the type's characters (case, non-ASCII, symbols), the
first word is cut and a stable 8-character hash of the original words follows
it, so two different inputs never collapse onto one name. The first word's last
hyphen-separated word (the environment, in `<project>-<env>`) and the other
words stay readable: `averyveryverylongproj-1f0c2a9e-staging-api`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

HASH_LENGTH = 8
# Pulumi's autonaming appends "-" and 7 random hex characters to the logical name.
AUTONAME_SUFFIX = "-xxxxxxx"


@dataclass(frozen=True)
class NameRule:
    """What AWS accepts for one kind of name (docs/provision.md, "Names")."""

    max_length: int  # including `affix`
    allowed: str  # the characters AWS accepts, as a regex character-class body
    separator: str = "-"
    lowercase: bool = False
    letter_first: bool = False
    min_length: int = 1
    forbidden_prefixes: tuple[str, ...] = ()
    affix: str = ""  # fixed text AWS requires in front ("alias/")

    @property
    def hyphen(self) -> bool:
        return re.fullmatch(f"[{self.allowed}]", "-") is not None

    def fits(self, name: str) -> bool:
        body = name[len(self.affix) :] if name.startswith(self.affix) else None
        return (
            body is not None
            and self.min_length <= len(name) <= self.max_length
            and re.fullmatch(f"[{self.allowed}]+", body) is not None
            and body[:1].isalnum()
            and body[-1:].isalnum()
            and not (self.letter_first and not body[:1].isalpha())
            and not body.startswith(self.forbidden_prefixes)
            and self.separator * 2 not in body
        )


ALB = "load-balancer"
TARGET_GROUP = "target-group"
IAM_ROLE = "iam-role"
IAM_POLICY = "iam-inline-policy"
S3_BUCKET = "s3-bucket"
EVENT_RULE = "event-rule"
EVENT_TARGET = "event-target"
CLOUDFRONT_OAC = "cloudfront-oac"
RESPONSE_HEADERS_POLICY = "cloudfront-response-headers-policy"
CLOUDFRONT_FUNCTION = "cloudfront-function"
BACKUP_VAULT = "backup-vault"
BACKUP_PLAN = "backup-plan"
BACKUP_SELECTION = "backup-selection"
RESTORE_TESTING_PLAN = "restore-testing-plan"
RESTORE_TESTING_SELECTION = "restore-testing-selection"
RDS_INSTANCE = "rds-instance"
RDS_SNAPSHOT = "rds-snapshot"
RDS_SUBNET_GROUP = "rds-subnet-group"
RDS_PARAMETER_GROUP = "rds-parameter-group"
# The temporary instances a restore check creates: `<this prefix>-<stamp>`.
RESTORE_INSTANCE_PREFIX = "rds-restore-instance-prefix"
# "-" + store.stamp() lowercased ("20260122t030000z"): what follows the prefix.
RESTORE_STAMP_CHARS = 17
SECRET = "secret"
LOG_GROUP = "log-group"
ECS_CLUSTER = "ecs-cluster"
ECS_SERVICE = "ecs-service"
ECS_FAMILY = "ecs-task-family"
ECR_REPOSITORY = "ecr-repository"
SNS_TOPIC = "sns-topic"
KMS_ALIAS = "kms-alias"
ALARM = "cloudwatch-alarm"
SSM_PARAMETER = "ssm-parameter"
BUDGET = "budget"
SECURITY_GROUP = "security-group"
SCALING_POLICY = "scaling-policy"
LAMBDA_FUNCTION = "lambda-function"

_ALNUM = "A-Za-z0-9"
_LOWER = "a-z0-9"

# Sources: botocore's service models (min/max/pattern) where they carry them,
# the API reference's prose where they do not (ELB, RDS, ECS, SNS, CloudFront,
# S3, restore testing). tests/stacks/aws_name_limits.py re-derives each limit
# from botocore independently and the graph test holds every name to it.
RULES: dict[str, NameRule] = {
    ALB: NameRule(32, f"{_ALNUM}-", forbidden_prefixes=("internal-",)),
    TARGET_GROUP: NameRule(32, f"{_ALNUM}-"),
    IAM_ROLE: NameRule(64, rf"{_ALNUM}_+=,.@-"),
    IAM_POLICY: NameRule(128, rf"{_ALNUM}_+=,.@-"),
    # Dots are legal in bucket names but break virtual-host TLS; never produced.
    S3_BUCKET: NameRule(
        63,
        f"{_LOWER}-",
        lowercase=True,
        min_length=3,
        forbidden_prefixes=("xn--", "sthree-", "amzn-s3-demo-"),
    ),
    EVENT_RULE: NameRule(64, rf"{_ALNUM}._-"),
    EVENT_TARGET: NameRule(64, rf"{_ALNUM}._-"),
    CLOUDFRONT_OAC: NameRule(64, rf"{_ALNUM}._-"),
    RESPONSE_HEADERS_POLICY: NameRule(128, f"{_ALNUM}_-"),
    CLOUDFRONT_FUNCTION: NameRule(64, f"{_ALNUM}_-"),
    BACKUP_VAULT: NameRule(50, f"{_ALNUM}_-", min_length=2),
    BACKUP_PLAN: NameRule(50, rf"{_ALNUM}._-"),
    BACKUP_SELECTION: NameRule(50, rf"{_ALNUM}._-"),
    RESTORE_TESTING_PLAN: NameRule(50, f"{_ALNUM}_", separator="_"),
    RESTORE_TESTING_SELECTION: NameRule(50, f"{_ALNUM}_", separator="_"),
    # RDS stores these lowercased: an uppercase input would show a diff forever.
    RDS_INSTANCE: NameRule(63, f"{_LOWER}-", lowercase=True, letter_first=True),
    RESTORE_INSTANCE_PREFIX: NameRule(
        63 - RESTORE_STAMP_CHARS, f"{_LOWER}-", lowercase=True, letter_first=True
    ),
    RDS_SNAPSHOT: NameRule(255, f"{_LOWER}-", lowercase=True, letter_first=True),
    RDS_SUBNET_GROUP: NameRule(255, f"{_LOWER}-", lowercase=True, letter_first=True),
    RDS_PARAMETER_GROUP: NameRule(255, f"{_LOWER}-", lowercase=True, letter_first=True),
    SECRET: NameRule(512, f"{_ALNUM}/_+=.@-", separator="/"),
    LOG_GROUP: NameRule(512, f"{_ALNUM}._/#-", separator="/", affix="/scaffold/"),
    ECS_CLUSTER: NameRule(255, f"{_ALNUM}_-"),
    ECS_SERVICE: NameRule(255, f"{_ALNUM}_-"),
    ECS_FAMILY: NameRule(255, f"{_ALNUM}_-"),
    ECR_REPOSITORY: NameRule(256, f"{_LOWER}._-", lowercase=True, min_length=2),
    SNS_TOPIC: NameRule(256, f"{_ALNUM}_-"),
    KMS_ALIAS: NameRule(256, f"{_ALNUM}_-", affix="alias/"),
    ALARM: NameRule(255, rf"{_ALNUM}._-"),
    # 1011 for the whole ARN, of which the part before the name takes ~60.
    SSM_PARAMETER: NameRule(950, f"{_ALNUM}._/-", separator="/", affix="/scaffold/"),
    BUDGET: NameRule(100, rf"{_ALNUM}._-"),
    SECURITY_GROUP: NameRule(255, rf"{_ALNUM}._-", forbidden_prefixes=("sg-",)),
    SCALING_POLICY: NameRule(256, rf"{_ALNUM}._-"),
    LAMBDA_FUNCTION: NameRule(64, f"{_ALNUM}_-"),
}

# Pulumi resource type -> (the input AWS receives as the name, the kind of name).
NAME_INPUTS: dict[str, tuple[str, str]] = {
    "aws:lb/loadBalancer:LoadBalancer": ("name", ALB),
    "aws:lb/targetGroup:TargetGroup": ("name", TARGET_GROUP),
    "aws:iam/role:Role": ("name", IAM_ROLE),
    "aws:iam/rolePolicy:RolePolicy": ("name", IAM_POLICY),
    "aws:s3/bucket:Bucket": ("bucket", S3_BUCKET),
    "aws:cloudwatch/eventRule:EventRule": ("name", EVENT_RULE),
    "aws:cloudwatch/eventTarget:EventTarget": ("targetId", EVENT_TARGET),
    "aws:cloudfront/originAccessControl:OriginAccessControl": ("name", CLOUDFRONT_OAC),
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": (
        "name",
        RESPONSE_HEADERS_POLICY,
    ),
    "aws:cloudfront/function:Function": ("name", CLOUDFRONT_FUNCTION),
    "aws:backup/vault:Vault": ("name", BACKUP_VAULT),
    "aws:backup/plan:Plan": ("name", BACKUP_PLAN),
    "aws:backup/selection:Selection": ("name", BACKUP_SELECTION),
    "aws:backup/restoreTestingPlan:RestoreTestingPlan": ("name", RESTORE_TESTING_PLAN),
    "aws:backup/restoreTestingSelection:RestoreTestingSelection": (
        "name",
        RESTORE_TESTING_SELECTION,
    ),
    "aws:rds/instance:Instance": ("identifier", RDS_INSTANCE),
    "aws:rds/subnetGroup:SubnetGroup": ("name", RDS_SUBNET_GROUP),
    "aws:rds/parameterGroup:ParameterGroup": ("name", RDS_PARAMETER_GROUP),
    "aws:secretsmanager/secret:Secret": ("name", SECRET),
    "aws:cloudwatch/logGroup:LogGroup": ("name", LOG_GROUP),
    "aws:ecs/cluster:Cluster": ("name", ECS_CLUSTER),
    "aws:ecs/service:Service": ("name", ECS_SERVICE),
    "aws:ecs/taskDefinition:TaskDefinition": ("family", ECS_FAMILY),
    "aws:ecr/repository:Repository": ("name", ECR_REPOSITORY),
    "aws:sns/topic:Topic": ("name", SNS_TOPIC),
    "aws:kms/alias:Alias": ("name", KMS_ALIAS),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("name", ALARM),
    "aws:ssm/parameter:Parameter": ("name", SSM_PARAMETER),
    "aws:budgets/budget:Budget": ("name", BUDGET),
    "aws:ec2/securityGroup:SecurityGroup": ("name", SECURITY_GROUP),
    "aws:appautoscaling/policy:Policy": ("name", SCALING_POLICY),
    "aws:lambda/function:Function": ("name", LAMBDA_FUNCTION),
}
# Of those, the ones whose name Pulumi invents (logical name + suffix) when the
# input is absent. EventTarget ids are made up by the provider, not Pulumi.
AUTONAMED = frozenset(NAME_INPUTS) - {"aws:cloudwatch/eventTarget:EventTarget"}


def physical_name(kind: str, first: str, *rest: str) -> str:
    """The name of `kind` for the words `first`, `*rest`, valid for AWS.

    `first` is usually `catalog.prefix(spec)` ("<project>-<env>"): if the name
    has to be shortened, only its text before the last hyphen is cut.
    """
    rule = RULES[kind]
    words = (first, *rest)
    cleaned = [_clean(rule, word) for word in words]
    name = rule.affix + rule.separator.join(word for word in cleaned if word)
    exact = all(c and c == _spelled(rule, w) for c, w in zip(cleaned, words, strict=True))
    if exact and rule.fits(name):
        return name
    return _shortened(rule, kind, first, rest)


def physical_name_of(type_: str, logical_name: str, inputs: dict[str, object]) -> str | None:
    """The name AWS receives for a planned resource; None for types AWS does not name."""
    if type_ not in NAME_INPUTS:
        return None
    value = inputs.get(NAME_INPUTS[type_][0])
    if isinstance(value, str) and value:
        return value
    return logical_name + AUTONAME_SUFFIX if type_ in AUTONAMED else None


def digest(*words: str) -> str:
    """A stable short hash of the original words (not of their cleaned spelling)."""
    return hashlib.sha256("\x1f".join(words).encode("utf-8")).hexdigest()[:HASH_LENGTH]


def _spelled(rule: NameRule, word: str) -> str:
    """`word` as it reads in a name of this rule when nothing had to change."""
    return word if rule.hyphen else word.replace("-", rule.separator)


def _clean(rule: NameRule, word: str) -> str:
    """ASCII (accents dropped), the rule's case, its characters; others become separators."""
    text = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")
    if rule.lowercase:
        text = text.lower()
    sep = re.escape(rule.separator)
    text = re.sub(f"[^{rule.allowed}]+", rule.separator, text)
    text = re.sub(f"{sep}{{2,}}", rule.separator, text)
    return _trim(re.sub(r"^[^A-Za-z0-9]+", "", text))


def _shortened(rule: NameRule, kind: str, first: str, rest: tuple[str, ...]) -> str:
    joiner = "-" if rule.hyphen else rule.separator
    cut, _, kept = first.rpartition("-") if "-" in first else (first, "", "")
    kept_words = [w for w in (_clean(rule, kept), *(_clean(rule, r) for r in rest)) if w]
    tail = rule.separator.join(kept_words)
    rest_exact = all(r and _clean(rule, r) == _spelled(rule, r) for r in rest)
    # The hash covers only `first` when the rest is spelled as given, so the names
    # of one environment and kind share one prefix (an IAM policy can match it).
    code = digest(first) if rest_exact else digest(first, *rest)

    def compose(lead: str, tail: str, code: str) -> str:
        room = rule.max_length - len(rule.affix) - len(code) - len(tail) - (1 if tail else 0)
        name = ""
        for candidate in (lead, "x" + lead):  # "x" when AWS wants a letter or a prefix is taken
            short = _trim(candidate[: max(0, room - 1)])
            name = rule.affix + joiner.join(w for w in (short, code) if w)
            name += (rule.separator + tail) if tail else ""
            body = name[len(rule.affix) :]
            if not body.startswith(rule.forbidden_prefixes) and (
                body[:1].isalpha() or not rule.letter_first
            ):
                break
        return name

    name = compose(_clean(rule, cut), tail, code)
    if not rule.fits(name):  # the kept words alone are too long: cut them too
        whole = rule.separator.join(w for w in (_clean(rule, cut), *kept_words) if w)
        name = compose(whole, "", digest(first, *rest))
    if not rule.fits(name):
        raise ValueError(f"no valid {kind} name for {(first, *rest)!r}: got {name!r}")
    return name


def _trim(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+$", "", text)


def restore_instance_prefix(prefix: str) -> str:
    """`<prefix>-restore` for restore-check instances, with room for a stamp in 63 characters.

    The deploy role may create and delete exactly `<this>-*` (scaffolder_stacks/ci_access.py) and
    `scaffold backup verify` names its instance `<this>-<stamp>` (ops/backup/rds.py):
    both call this, so a long project name cannot push the instance out of the policy.
    """
    return physical_name(RESTORE_INSTANCE_PREFIX, prefix, "restore")
