"""Data sources of the simulated account: plausible, known values derived from their configuration."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from generator.sandbox import aws_layer
from generator.sandbox.contracts import UNKNOWN
from generator.sandbox.fabricate import (
    ACCOUNT_ID,
    Context,
    Fabricator,
    availability_zones,
    dns_suffix,
)
from generator.sandbox.planning import mark_unknown, seed_of
from generator.sandbox.schemas import TypeSchema
from generator.sandbox.world import FileWorld

Reader = Callable[[Fabricator, dict[str, Any], FileWorld], dict[str, Any]]


class DataSourceError(ValueError):
    """A configuration the real provider refuses to read (its message is the provider's error summary)."""


def read(type_name: str, schema: TypeSchema, config: Any, context: Context, world: FileWorld) -> Any:
    values = mark_unknown(schema.shape, config if isinstance(config, dict) else {}, config)
    fabricator = Fabricator(context, type_name, seed_of(type_name, config))
    special = _READERS.get(type_name)
    if special is not None:
        for key, value in special(fabricator, values, world).items():
            if key in values:
                values[key] = value
    result = fabricator.fill(schema.shape, values)
    if isinstance(result, dict) and isinstance(result.get("id"), str):
        world.put(type_name, result["id"], result)
    return result


def _caller_identity(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    return {
        "account_id": ACCOUNT_ID,
        "arn": f"arn:{f.context.partition}:iam::{ACCOUNT_ID}:user/sandbox",
        "user_id": "AIDA" + f.hex("user", 17).upper(),
        "id": ACCOUNT_ID,
    }


def _partition(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    partition = f.context.partition
    suffix = dns_suffix(partition)
    return {
        "partition": partition,
        "dns_suffix": suffix,
        "reverse_dns_prefix": ".".join(reversed(suffix.split("."))),
        "id": partition,
    }


def _region(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    region = v.get("region") if isinstance(v.get("region"), str) else None
    region = region or (v.get("name") if isinstance(v.get("name"), str) else None) or f.context.region
    return {
        "name": region,
        "region": region,
        "id": region,
        "endpoint": f"ec2.{region}.{dns_suffix(f.context.partition)}",
        "description": region,
    }


def _availability_zones(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    zones = availability_zones(f.context.region)
    return {
        "names": [name for name, _ in zones],
        "zone_ids": [zone_id for _, zone_id in zones],
        "group_names": [f.context.region],
        "id": f.context.region,
    }


_SSM_RELEASE_DATE = "20261201"


def _ssm_parameter(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    name = _known_str(v, "name") or ""
    value = ssm_parameter_value(name)
    return {
        "value": value,
        "insecure_value": value,
        "type": "String",
        "arn": f.arn("ssm", f"parameter{name}"),
        "version": 1,
        "id": name,
    }


def ssm_parameter_value(name: str) -> str:
    """A plausible value of AWS's public parameter `name`, in the shape AWS gives it.

    EKS optimized AMI parameters: `.../image_id` an AMI id, `.../release_version` a node group release version,
    Bottlerocket `.../image_version` an OS version; the parameter the leaves belong to (`.../recommended`, and
    `/aws/service/ami-windows-latest/...EKS_Optimized-1.X`, which the eks module jsondecodes) a JSON document with
    `image_id`, `image_name`, `release_version`. Siblings agree: the AMI id derives from the parameter's base path."""
    leaf = name.rsplit("/", 1)[-1]
    base = name.rsplit("/", 1)[0] if leaf in ("image_id", "image_name", "release_version", "image_version") else name
    minor = _kubernetes_minor(name)
    ami = "ami-" + hashlib.sha256(base.encode()).hexdigest()[:17]
    release = f"{minor}.0-{_SSM_RELEASE_DATE}"
    if "bottlerocket" in name:
        return {"image_id": ami, "image_version": "1.30.0-1234abcd"}.get(leaf, ami)
    image_name = _image_name(base, minor)
    if leaf == "image_id":
        return ami
    if leaf == "release_version":
        return release
    if leaf == "image_name":
        return image_name
    if base.startswith("/aws/service/ami-windows-latest/") or base.endswith("/recommended"):
        return json.dumps(
            {"schema_version": "3", "image_id": ami, "image_name": image_name, "release_version": release},
            separators=(",", ":"),
        )
    return ami


def _kubernetes_minor(name: str) -> str:
    match = re.search(r"(?:optimized-ami/|aws-k8s-|EKS_Optimized-)(1\.\d+)", name)
    return match.group(1) if match else "1.34"


def _image_name(base: str, minor: str) -> str:
    if base.startswith("/aws/service/ami-windows-latest/"):
        return f"{base.rsplit('/', 1)[-1]}-{_SSM_RELEASE_DATE[:4]}.{_SSM_RELEASE_DATE[4:6]}.{_SSM_RELEASE_DATE[6:]}"
    return f"amazon-eks-node-{minor}-v{_SSM_RELEASE_DATE}"


def _policy_document(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    from generator.sandbox.policy_documents import PolicyDocumentError

    try:
        return dict(aws_layer.policy_document(v))
    except PolicyDocumentError as error:
        raise DataSourceError(str(error)) from None


def _tls_certificate(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    url = v.get("url") if isinstance(v.get("url"), str) else ""
    certificate = {
        "sha1_fingerprint": f.hex("sha1", 40),
        "cert_pem": base64.b64decode(f.certificate_data()).decode(),
        "is_ca": True,
        "issuer": "CN=Amazon Root CA 1,O=Amazon,C=US",
        "subject": "CN=Amazon Root CA 1,O=Amazon,C=US",
        "serial_number": str(int(f.hex("serial", 16), 16)),
        "signature_algorithm": "SHA256-RSA",
        "public_key_algorithm": "RSA",
        "not_before": "2015-05-26T00:00:00Z",
        "not_after": "2038-01-17T00:00:00Z",
        "version": 3,
    }
    return {"certificates": [certificate], "id": url or f.hex("id", 40)}


def _cloudinit_config(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    boundary = v.get("boundary") if isinstance(v.get("boundary"), str) and v.get("boundary") else "MIMEBOUNDARY"
    parts: list[Any] = v["part"] if isinstance(v.get("part"), list) else []
    lines = [f'Content-Type: multipart/mixed; boundary="{boundary}"', "MIME-Version: 1.0", ""]
    for part in parts:
        content = part.get("content") if isinstance(part.get("content"), str) else ""
        content_type = part.get("content_type") if isinstance(part.get("content_type"), str) else "text/plain"
        lines += [f"--{boundary}", "Content-Transfer-Encoding: 7bit", f"Content-Type: {content_type}"]
        if isinstance(part.get("filename"), str) and part["filename"]:
            lines.append(f'Content-Disposition: attachment; filename="{part["filename"]}"')
        lines += ["Mime-Version: 1.0", "", content]
    lines += [f"--{boundary}--", ""]
    rendered = "\r\n".join(lines)
    gzip_on = v.get("gzip") is not False
    base64_on = v.get("base64_encode") is not False
    data = rendered.encode()
    if gzip_on:
        data = gzip.compress(data, mtime=0)
    text = base64.b64encode(data).decode() if base64_on else data.decode("utf-8", errors="replace")
    return {
        "rendered": text,
        "id": str(int(hashlib.sha256(rendered.encode()).hexdigest()[:8], 16)),
        "boundary": boundary,
        "gzip": gzip_on,
        "base64_encode": base64_on,
    }


def _known_str(v: dict[str, Any], key: str) -> str | None:
    value = v.get(key)
    return value if isinstance(value, str) and value else None


def _filter_values(v: dict[str, Any], name: str) -> list[str]:
    for item in v.get("filter") or []:
        if isinstance(item, dict) and item.get("name") == name and isinstance(item.get("values"), list):
            return [str(value) for value in item["values"] if isinstance(value, str)]
    return []


def _vpc(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    vpc_id = _known_str(v, "id") or next(iter(_filter_values(v, "vpc-id")), None) or "vpc-" + f.hex("vpc")
    known = world.by_id("aws_vpc", vpc_id) or {}
    return {
        "id": vpc_id,
        "cidr_block": known.get("cidr_block") or _known_str(v, "cidr_block") or "10.0.0.0/16",
        "arn": f.arn("ec2", f"vpc/{vpc_id}"),
        "owner_id": ACCOUNT_ID,
        "state": "available",
        "main_route_table_id": "rtb-" + f.hex("rtb"),
        "default": False,
    }


def _subnet(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    subnet_id = _known_str(v, "id") or "subnet-" + f.hex("subnet")
    zones = availability_zones(f.context.region)
    zone = zones[int(hashlib.sha256(subnet_id.encode()).hexdigest()[:4], 16) % len(zones)]
    return {
        "id": subnet_id,
        "arn": f.arn("ec2", f"subnet/{subnet_id}"),
        "vpc_id": _known_str(v, "vpc_id") or "vpc-" + f.hex("vpc"),
        "availability_zone": _known_str(v, "availability_zone") or zone[0],
        "availability_zone_id": zone[1],
        "cidr_block": _known_str(v, "cidr_block") or f"10.0.{f.number('cidr', 250)}.0/24",
        "owner_id": ACCOUNT_ID,
        "state": "available",
    }


def _subnets(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    return {"ids": [f"subnet-{f.hex(f'subnet{i}')}" for i in range(3)], "id": f.context.region}


def _security_group(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    group_id = _known_str(v, "id") or "sg-" + f.hex("sg")
    return {
        "id": group_id,
        "arn": f.arn("ec2", f"security-group/{group_id}"),
        "vpc_id": _known_str(v, "vpc_id") or "vpc-" + f.hex("vpc"),
        "name": _known_str(v, "name") or f"sandbox-{f.hex('name', 8)}",
    }


def _iam_session_context(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    arn = _known_str(v, "arn") or f"arn:{f.context.partition}:iam::{ACCOUNT_ID}:user/sandbox"
    return {"issuer_arn": arn, "issuer_id": "AIDA" + f.hex("user", 17).upper(), "issuer_name": arn.rsplit("/", 1)[-1]}


def _eks_addon_version(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    return {"version": "v1.0.0-eksbuild.1", "id": _known_str(v, "addon_name") or "addon"}


def _iam_role(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    name = _known_str(v, "name") or "sandbox"
    return {
        "arn": f"arn:{f.context.partition}:iam::{ACCOUNT_ID}:role/{name}",
        "id": name,
        "unique_id": "AROA" + f.hex("u", 17).upper(),
    }


def _ami(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    return {"id": "ami-" + f.hex("ami"), "image_id": "ami-" + f.hex("ami"), "architecture": "x86_64"}


def _eks_cluster(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    return {
        "endpoint": f.cluster_endpoint(),
        "certificate_authority": [{"data": f.certificate_data()}],
        "identity": [{"oidc": [{"issuer": f.oidc_issuer()}]}],
        "status": "ACTIVE",
        "id": _known_str(v, "name") or "sandbox",
    }


def _eks_cluster_auth(f: Fabricator, v: dict[str, Any], world: FileWorld) -> dict[str, Any]:
    return {"token": "k8s-aws-v1." + f.hex("token", 64), "id": _known_str(v, "name") or "sandbox"}


_READERS: dict[str, Reader] = {
    "aws_caller_identity": _caller_identity,
    "aws_partition": _partition,
    "aws_region": _region,
    "aws_availability_zones": _availability_zones,
    "aws_ssm_parameter": _ssm_parameter,
    "aws_iam_policy_document": _policy_document,
    "tls_certificate": _tls_certificate,
    "cloudinit_config": _cloudinit_config,
    "aws_vpc": _vpc,
    "aws_subnet": _subnet,
    "aws_subnets": _subnets,
    "aws_security_group": _security_group,
    "aws_iam_session_context": _iam_session_context,
    "aws_eks_addon_version": _eks_addon_version,
    "aws_iam_role": _iam_role,
    "aws_ami": _ami,
    "aws_eks_cluster": _eks_cluster,
    "aws_eks_cluster_auth": _eks_cluster_auth,
}

__all__ = ["UNKNOWN", "read"]
