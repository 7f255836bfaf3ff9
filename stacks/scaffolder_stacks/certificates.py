"""A DNS-validated ACM certificate (docs/provision.md, "HTTPS, domains and certificates").

The validation record goes into the account's Route 53 zone for the domain when
there is one; otherwise `up` prints it, exports it (`certificate_records`) and
waits while the user adds it at their DNS host. The load balancer's certificate
lives in the environment's region; CloudFront's must be in us-east-1.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from scaffolder_stacks._common import child

CLOUDFRONT_CERTIFICATE_REGION = "us-east-1"


def hosted_zone_id(domain: str, parent: pulumi.Resource) -> str | None:
    """The account's public hosted zone for `domain` or a parent of it, if any."""
    labels = domain.split(".")
    for start in range(len(labels) - 1):
        found = _zone_id(".".join(labels[start:]), parent)
        if found:
            return found
    return None


def _zone_id(name: str, parent: pulumi.Resource) -> str | None:
    try:
        zone = aws.route53.get_zone(
            name=name, private_zone=False, opts=pulumi.InvokeOptions(parent=parent)
        )
    except Exception:  # no such zone (or no permission to list zones): the user adds records
        return None
    return str(zone.zone_id) if zone.zone_id else None


def _records(
    options: Sequence[aws.acm.outputs.CertificateDomainValidationOption],
) -> list[dict[str, str]]:
    return [
        {
            "name": o.resource_record_name or "",
            "type": o.resource_record_type or "",
            "value": o.resource_record_value or "",
        }
        for o in options or []
    ]


def validated_certificate(
    name: str,
    parent: pulumi.Resource,
    *,
    domain: str,
    tags: dict[str, str],
    provider: aws.Provider | None = None,
) -> tuple[aws.acm.CertificateValidation, pulumi.Output[list[dict[str, str]]]]:
    """The domain's certificate once valid, and the records left for the user to add."""
    certificate = aws.acm.Certificate(
        f"{name}-cert",
        domain_name=domain,
        validation_method="DNS",
        tags=tags,
        opts=child(parent, provider=provider),
    )
    records = certificate.domain_validation_options.apply(_records)
    zone_id = hosted_zone_id(domain, parent)
    fqdns: list[pulumi.Input[str]] = []
    if zone_id is not None:
        record = aws.route53.Record(
            f"{name}-cert-validation",
            zone_id=zone_id,
            name=records.apply(lambda r: r[0]["name"]),
            type=records.apply(lambda r: r[0]["type"]),
            records=[records.apply(lambda r: r[0]["value"])],
            ttl=300,
            allow_overwrite=True,
            opts=child(parent),
        )
        fqdns.append(record.fqdn)
        to_add: pulumi.Output[list[dict[str, str]]] = pulumi.Output.from_input([])
    else:
        to_add = records
        records.apply(lambda r: _tell(domain, r))
    validation = aws.acm.CertificateValidation(
        f"{name}-cert-validated",
        certificate_arn=certificate.arn,
        validation_record_fqdns=fqdns or None,
        # Without a zone here, `up` waits while the user adds the CNAME record.
        opts=child(parent, provider=provider, custom_timeouts=pulumi.CustomTimeouts(create="2h")),
    )
    return validation, to_add


def _tell(domain: str, records: list[dict[str, str]]) -> None:
    for r in records:
        pulumi.log.warn(
            f"{domain}: add the DNS record {r['name']} {r['type']} {r['value']} at your DNS "
            "host; the certificate (and `up`) waits until it resolves."
        )
