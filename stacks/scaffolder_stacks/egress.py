"""How private subnets reach AWS and the internet without NAT gateways.

`nat_instance`: one small EC2 instance masquerading the VPC's traffic (the
fck-nat idea, on a stock Amazon Linux 2023 AMI). `vpc_endpoints`: no egress at
all; the AWS APIs a Fargate task needs answer inside the VPC.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from scaffolder.aws_rules import naming
from scaffolder.environment import catalog
from scaffolder_stacks._common import child

# Forward, and masquerade what leaves through the default route's interface. Runs
# on every boot (cloud-init's user data runs once; the systemd unit keeps it).
NAT_USER_DATA = """#!/bin/bash
set -euo pipefail
dnf install -y iptables-services
cat > /usr/local/sbin/scaffold-nat <<'SCRIPT'
#!/bin/bash
set -euo pipefail
sysctl -w net.ipv4.ip_forward=1
sysctl -w net.ipv4.conf.all.send_redirects=0
iface=$(ip route show default | awk '{print $5; exit}')
iptables -t nat -C POSTROUTING -o "$iface" -j MASQUERADE 2>/dev/null \\
  || iptables -t nat -A POSTROUTING -o "$iface" -j MASQUERADE
iptables -P FORWARD ACCEPT
iptables -F FORWARD
SCRIPT
chmod 0755 /usr/local/sbin/scaffold-nat
cat > /etc/systemd/system/scaffold-nat.service <<'UNIT'
[Unit]
Description=NAT for the VPC's private subnets (scaffold)
After=network-online.target
Wants=network-online.target
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/scaffold-nat
RemainAfterExit=yes
[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now scaffold-nat.service
"""

# Amazon's own Amazon Linux 2023 images for Graviton (not the "minimal" ones).
AMI_NAME = "al2023-ami-2023.*-arm64"


def _group(
    name: str,
    suffix: str,
    description: str,
    *,
    vpc_id: pulumi.Input[str],
    tags: dict[str, str],
    parent: pulumi.Resource,
) -> aws.ec2.SecurityGroup:
    return aws.ec2.SecurityGroup(
        f"{name}-{suffix}",
        name=naming.physical_name(naming.SECURITY_GROUP, name, suffix),
        vpc_id=vpc_id,
        description=description,
        tags=tags,
        opts=child(parent),
    )


def nat_instance(
    name: str,
    *,
    vpc_id: pulumi.Input[str],
    vpc_cidr: str,
    subnet_id: pulumi.Input[str],
    tags: dict[str, str],
    parent: pulumi.Resource,
) -> aws.ec2.Instance:
    """A t4g.nano in a public subnet, source/destination check off, masquerading the VPC."""
    ami = aws.ec2.get_ami_output(
        most_recent=True,
        owners=["amazon"],
        filters=[
            aws.ec2.GetAmiFilterArgs(name="name", values=[AMI_NAME]),
            aws.ec2.GetAmiFilterArgs(name="architecture", values=["arm64"]),
            aws.ec2.GetAmiFilterArgs(name="virtualization-type", values=["hvm"]),
        ],
        opts=pulumi.InvokeOutputOptions(parent=parent),
    )
    group = _group(
        name,
        "nat",
        "NAT instance: all from the VPC, out to the internet",
        vpc_id=vpc_id,
        tags=tags,
        parent=parent,
    )
    aws.vpc.SecurityGroupIngressRule(
        f"{name}-nat-in",
        security_group_id=group.id,
        ip_protocol="-1",
        cidr_ipv4=vpc_cidr,
        opts=child(parent),
    )
    aws.vpc.SecurityGroupEgressRule(
        f"{name}-nat-out",
        security_group_id=group.id,
        ip_protocol="-1",
        cidr_ipv4="0.0.0.0/0",
        opts=child(parent),
    )
    return aws.ec2.Instance(
        f"{name}-nat",
        ami=ami.id,
        instance_type=catalog.NAT_INSTANCE_TYPE,
        subnet_id=subnet_id,
        associate_public_ip_address=True,
        source_dest_check=False,  # it forwards packets addressed to others
        vpc_security_group_ids=[group.id],
        user_data=NAT_USER_DATA,
        user_data_replace_on_change=True,
        metadata_options=aws.ec2.InstanceMetadataOptionsArgs(
            http_endpoint="enabled", http_tokens="required"
        ),
        # EC2 restarts it on other hardware when the host fails (self-healing).
        maintenance_options=aws.ec2.InstanceMaintenanceOptionsArgs(auto_recovery="default"),
        root_block_device=aws.ec2.InstanceRootBlockDeviceArgs(
            encrypted=True, volume_type="gp3", volume_size=catalog.NAT_INSTANCE_VOLUME_GB
        ),
        tags={**tags, "Name": f"{name}-nat"},
        # A new AMI every few weeks must not replace the NAT under running tasks.
        opts=child(parent, ignore_changes=["ami"]),
    )


def vpc_endpoints(
    name: str,
    *,
    vpc_id: pulumi.Input[str],
    vpc_cidr: str,
    region: str,
    subnet_ids: list[pulumi.Output[str]],
    route_table_ids: list[pulumi.Output[str]],
    interface: list[str],
    gateway: list[str],
    tags: dict[str, str],
    parent: pulumi.Resource,
) -> list[aws.ec2.VpcEndpoint]:
    """Interface endpoints with private DNS in every private subnet; gateway ones on the routes."""
    group = _group(
        name,
        "endpoints",
        "VPC endpoints: HTTPS from the VPC",
        vpc_id=vpc_id,
        tags=tags,
        parent=parent,
    )
    aws.vpc.SecurityGroupIngressRule(
        f"{name}-endpoints-in-443",
        security_group_id=group.id,
        ip_protocol="tcp",
        from_port=443,
        to_port=443,
        cidr_ipv4=vpc_cidr,
        opts=child(parent),
    )
    endpoints = [
        aws.ec2.VpcEndpoint(
            f"{name}-endpoint-{service.replace('.', '-')}",
            vpc_id=vpc_id,
            service_name=f"com.amazonaws.{region}.{service}",
            vpc_endpoint_type="Interface",
            private_dns_enabled=True,
            subnet_ids=subnet_ids,
            security_group_ids=[group.id],
            tags={**tags, "Name": f"{name}-{service}"},
            opts=child(parent),
        )
        for service in interface
    ]
    endpoints += [
        aws.ec2.VpcEndpoint(
            f"{name}-endpoint-{service}",
            vpc_id=vpc_id,
            service_name=f"com.amazonaws.{region}.{service}",
            vpc_endpoint_type="Gateway",
            route_table_ids=route_table_ids,
            tags={**tags, "Name": f"{name}-{service}"},
            opts=child(parent),
        )
        for service in gateway
    ]
    return endpoints
