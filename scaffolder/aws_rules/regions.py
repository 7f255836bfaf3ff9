"""The region a prod environment copies its backups to. Pure (no pulumi import).

A nearby region of the same jurisdiction (EU data stays in the EU), far enough
apart that one regional outage or incident does not take both copies.
"""

from __future__ import annotations

PAIRED_REGIONS = {
    "us-east-1": "us-west-2",
    "us-east-2": "us-west-2",
    "us-west-1": "us-east-1",
    "us-west-2": "us-east-1",
    "ca-central-1": "ca-west-1",
    "eu-west-1": "eu-central-1",
    "eu-west-2": "eu-west-1",
    "eu-west-3": "eu-central-1",
    "eu-central-1": "eu-west-1",
    "eu-north-1": "eu-central-1",
    "eu-south-1": "eu-central-1",
    "ap-northeast-1": "ap-northeast-3",
    "ap-northeast-2": "ap-northeast-1",
    "ap-northeast-3": "ap-northeast-1",
    "ap-southeast-1": "ap-southeast-2",
    "ap-southeast-2": "ap-southeast-1",
    "ap-south-1": "ap-southeast-1",
    "sa-east-1": "us-east-1",
}
FALLBACK = "us-east-1"  # a region every account has; us-east-1 itself falls back to us-west-2


def paired_region(region: str) -> str:
    """The copy region for `region`: the table's pair, else us-east-1 (us-west-2 from there)."""
    paired = PAIRED_REGIONS.get(region, FALLBACK)
    return PAIRED_REGIONS[FALLBACK] if paired == region else paired
