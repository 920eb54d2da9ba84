"""Deterministic, plausible values for what AWS would compute: ids with the right prefixes, ARNs, names from
`name_prefix`, endpoints, CIDRs, certificates. Every value derives from a seed (the resource's known values), so the
same configuration gets the same values and a second plan shows no changes."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

from generator.sandbox.contracts import UNKNOWN
from generator.sandbox.schemas import NESTING_GROUP, NESTING_MAP, NESTING_SINGLE, BlockShape, NestedShape
from generator.sandbox.values import CtyType
from generator.spec import catalog

ACCOUNT_ID = "123456789012"

ID_PREFIXES = {
    "aws_vpc": "vpc-",
    "aws_subnet": "subnet-",
    "aws_security_group": "sg-",
    "aws_default_security_group": "sg-",
    "aws_launch_template": "lt-",
    "aws_internet_gateway": "igw-",
    "aws_egress_only_internet_gateway": "eigw-",
    "aws_nat_gateway": "nat-",
    "aws_eip": "eipalloc-",
    "aws_route_table": "rtb-",
    "aws_default_route_table": "rtb-",
    "aws_route_table_association": "rtbassoc-",
    "aws_instance": "i-",
    "aws_network_acl": "acl-",
    "aws_default_network_acl": "acl-",
    "aws_network_interface": "eni-",
    "aws_vpc_endpoint": "vpce-",
    "aws_vpc_dhcp_options": "dopt-",
    "aws_flow_log": "fl-",
    "aws_vpc_security_group_ingress_rule": "sgr-",
    "aws_vpc_security_group_egress_rule": "sgr-",
    "aws_security_group_rule": "sgrule-",
    "aws_placement_group": "pg-",
    "aws_ec2_transit_gateway": "tgw-",
    "aws_customer_gateway": "cgw-",
    "aws_vpn_gateway": "vgw-",
    "aws_ami": "ami-",
}

# attribute names whose value is an id of another EC2 object, by prefix
_REFERENCE_PREFIXES = {
    "vpc_id": "vpc-",
    "subnet_id": "subnet-",
    "security_group_id": "sg-",
    "cluster_security_group_id": "sg-",
    "default_security_group_id": "sg-",
    "remote_access_security_group_id": "sg-",
    "main_route_table_id": "rtb-",
    "default_route_table_id": "rtb-",
    "route_table_id": "rtb-",
    "default_network_acl_id": "acl-",
    "dhcp_options_id": "dopt-",
    "network_interface_id": "eni-",
    "allocation_id": "eipalloc-",
    "association_id": "eipassoc-",
    "image_id": "ami-",
    "security_group_rule_id": "sgr-",
    "internet_gateway_id": "igw-",
    "nat_gateway_id": "nat-",
    "launch_template_id": "lt-",
    "prefix_list_id": "pl-",
    "transit_gateway_id": "tgw-",
}

_ARN_SERVICES = {
    "aws_iam_role": ("iam", "role{path}{name}"),
    "aws_iam_policy": ("iam", "policy{path}{name}"),
    "aws_iam_instance_profile": ("iam", "instance-profile{path}{name}"),
    "aws_iam_user": ("iam", "user{path}{name}"),
    "aws_iam_openid_connect_provider": ("iam", "oidc-provider/{url_host}"),
    "aws_eks_cluster": ("eks", "cluster/{name}"),
    "aws_eks_node_group": ("eks", "nodegroup/{cluster_name}/{node_group_name}/{uuid}"),
    "aws_eks_addon": ("eks", "addon/{cluster_name}/{addon_name}/{uuid}"),
    "aws_eks_fargate_profile": ("eks", "fargateprofile/{cluster_name}/{fargate_profile_name}/{uuid}"),
    "aws_eks_access_entry": ("eks", "access-entry/{cluster_name}/role/{uuid}"),
    "aws_eks_pod_identity_association": ("eks", "podidentityassociation/{cluster_name}/a-{hex17}"),
    "aws_eks_identity_provider_config": ("eks", "identityproviderconfig/{cluster_name}/oidc/{uuid}"),
    "aws_kms_key": ("kms", "key/{uuid}"),
    "aws_kms_alias": ("kms", "{name}"),
    "aws_cloudwatch_log_group": ("logs", "log-group:{name}"),
    "aws_sqs_queue": ("sqs", "{name}"),
    "aws_cloudwatch_event_rule": ("events", "rule/{name}"),
    "aws_autoscaling_group": ("autoscaling", "autoScalingGroup:{uuid}:autoScalingGroupName/{name}"),
    "aws_s3_bucket": ("s3", "{bucket}"),
    "aws_dynamodb_table": ("dynamodb", "table/{name}"),
    "aws_sns_topic": ("sns", "{name}"),
    "aws_vpc": ("ec2", "vpc/{id}"),
    "aws_subnet": ("ec2", "subnet/{id}"),
    "aws_security_group": ("ec2", "security-group/{id}"),
    "aws_launch_template": ("ec2", "launch-template/{id}"),
    "aws_internet_gateway": ("ec2", "internet-gateway/{id}"),
    "aws_route_table": ("ec2", "route-table/{id}"),
    "aws_nat_gateway": ("ec2", "natgateway/{id}"),
    "aws_eip": ("ec2", "elastic-ip/{id}"),
    "aws_network_acl": ("ec2", "network-acl/{id}"),
    "aws_vpc_security_group_ingress_rule": ("ec2", "security-group-rule/{id}"),
    "aws_vpc_security_group_egress_rule": ("ec2", "security-group-rule/{id}"),
    "aws_placement_group": ("ec2", "placement-group/{name}"),
    "aws_instance": ("ec2", "instance/{id}"),
    "aws_secretsmanager_secret": ("secretsmanager", "secret:{name}-{suffix6}"),
    "aws_db_instance": ("rds", "db:{identifier}"),
    "aws_rds_cluster": ("rds", "cluster:{cluster_identifier}"),
}

_GLOBAL_SERVICES = {"iam", "s3"}

# AZ ids by region prefix: use1-az1 ... (AWS's own short names)
_REGION_SHORT = {
    "us-east-1": "use1",
    "us-east-2": "use2",
    "us-west-1": "usw1",
    "us-west-2": "usw2",
    "eu-west-1": "euw1",
    "eu-west-2": "euw2",
    "eu-west-3": "euw3",
    "eu-central-1": "euc1",
    "eu-north-1": "eun1",
    "ap-southeast-1": "apse1",
    "ap-southeast-2": "apse2",
    "ap-northeast-1": "apne1",
    "ap-northeast-2": "apne2",
    "ap-south-1": "aps1",
    "ca-central-1": "cac1",
    "sa-east-1": "sae1",
}


def region_short(region: str) -> str:
    if region in _REGION_SHORT:
        return _REGION_SHORT[region]
    parts = region.split("-")
    return "".join(part[0] for part in parts[:-1]) + parts[-1] if len(parts) >= 3 else region.replace("-", "")


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def dns_suffix(partition: str) -> str:
    return "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"


def availability_zones(region: str) -> list[tuple[str, str]]:
    """(name, zone id) of the region's first three zones."""
    short = region_short(region)
    return [(f"{region}{letter}", f"{short}-az{number}") for number, letter in enumerate("abc", start=1)]


@dataclass
class Context:
    """What the provider configuration says about where the account is."""

    region: str = "us-east-1"
    default_tags: dict[str, Any] = field(default_factory=dict)

    @property
    def partition(self) -> str:
        return partition_of(self.region)


def _pem_certificate(seed: str) -> str:
    """A PEM-armoured block of the size of a cluster CA (its bytes are fabricated, its armour is real)."""
    body = hashlib.sha512(seed.encode()).digest() * 12
    text = base64.b64encode(body).decode()
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


class Fabricator:
    """Fills the unknowns of one object of `type_name`; `seed` makes its values its own."""

    def __init__(self, context: Context, type_name: str, seed: str) -> None:
        self.context = context
        self.type_name = type_name
        self.seed = seed

    # --- primitives ----------------------------------------------------------------------------------

    def hex(self, label: str, length: int = 17) -> str:
        digest = hashlib.sha256(f"{self.seed}|{label}".encode()).hexdigest()
        while len(digest) < length:
            digest += hashlib.sha256(digest.encode()).hexdigest()
        return digest[:length]

    def number(self, label: str, modulo: int) -> int:
        return int(self.hex(label, 8), 16) % modulo

    def uuid(self, label: str = "uuid") -> str:
        h = self.hex(label, 32)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def unique_suffix(self, label: str = "name") -> str:
        """Terraform's PrefixedUniqueId suffix: a 26-digit timestamp and counter."""
        return "20261201000000" + f"{int(self.hex(label, 12), 16) % 10**12:012d}"

    def arn(self, service: str, resource: str) -> str:
        region = "" if service in _GLOBAL_SERVICES else self.context.region
        account = "" if service == "s3" else ACCOUNT_ID
        return f"arn:{self.context.partition}:{service}:{region}:{account}:{resource}"

    def timestamp(self) -> str:
        return "2026-12-01T00:00:00Z"

    # --- whole objects -------------------------------------------------------------------------------

    def fill(self, shape: BlockShape, value: Any) -> Any:
        """`value` (an object of `shape`) with every unknown replaced."""
        if value is UNKNOWN:
            return self.block_value(shape, {})
        if not isinstance(value, dict):
            return value
        result = dict(value)
        for name in sorted(shape.attributes, key=_fill_order):
            if result.get(name) is UNKNOWN:
                result[name] = self.attribute(name, shape.attributes[name].type, result, optional=True)
            elif _contains_unknown(result.get(name)):
                result[name] = self.resolve_partial(name, shape.attributes[name].type, result[name], result)
        for name, nested in shape.blocks.items():
            current = result.get(name)
            if current is UNKNOWN:
                result[name] = self.nested_value(name, nested, result)
            elif isinstance(current, list):
                result[name] = [self.fill(nested.block, item) for item in current]
            elif isinstance(current, dict) and nested.nesting == NESTING_MAP:
                result[name] = {key: self.fill(nested.block, item) for key, item in current.items()}
            elif isinstance(current, dict):
                result[name] = self.fill(nested.block, current)
        return result

    def nested_value(self, name: str, nested: NestedShape, parent: dict[str, Any]) -> Any:
        if nested.nesting == NESTING_MAP:
            return {}
        if (self.type_name, name) in _EMPTY_COMPUTED_BLOCKS:
            return None if nested.nesting in (NESTING_SINGLE, NESTING_GROUP) else []
        element = self.block_value(nested.block, {}, block_name=name)
        return element if nested.nesting in (NESTING_SINGLE, NESTING_GROUP) else [element]

    def block_value(self, shape: BlockShape, known: dict[str, Any], *, block_name: str = "") -> dict[str, Any]:
        value: dict[str, Any] = {}
        for name, attribute in shape.attributes.items():
            if name in known:
                value[name] = known[name]
            elif attribute.computed:
                value[name] = UNKNOWN
            else:
                value[name] = None
        for name in shape.blocks:
            value[name] = known.get(name, [] if shape.blocks[name].nesting not in (NESTING_SINGLE,) else None)
        special = _BLOCK_DEFAULTS.get((self.type_name, block_name))
        if special:
            for key, default in special(self).items():
                if value.get(key) is UNKNOWN or value.get(key) is None:
                    value[key] = default
        return dict(self.fill(shape, value))

    def resolve_partial(self, name: str, cty_type: CtyType, value: Any, parent: dict[str, Any]) -> Any:
        """A collection with unknown elements: each element made up on its own."""
        if value is UNKNOWN:
            return self.attribute(name, cty_type, parent, optional=False)
        if isinstance(cty_type, list) and cty_type[0] in ("list", "set") and isinstance(value, list):
            return [self.resolve_partial(f"{name}.{i}", cty_type[1], item, parent) for i, item in enumerate(value)]
        if isinstance(cty_type, list) and cty_type[0] == "map" and isinstance(value, dict):
            return {k: self.resolve_partial(f"{name}.{k}", cty_type[1], item, parent) for k, item in value.items()}
        if isinstance(cty_type, list) and cty_type[0] == "object" and isinstance(value, dict):
            return {
                k: self.resolve_partial(k, cty_type[1][k], item, value) for k, item in value.items() if k in cty_type[1]
            }
        return value

    # --- one attribute -------------------------------------------------------------------------------

    def attribute(self, name: str, cty_type: CtyType, obj: dict[str, Any], *, optional: bool) -> Any:
        special = _SPECIAL.get((self.type_name, name))
        if special is not None:
            return special(self, obj)
        if name == "id":
            return self.object_id(obj)
        if name in ("name", "bucket") and isinstance(obj.get(f"{name}_prefix"), str):
            return obj[f"{name}_prefix"] + self.unique_suffix(name)
        if name == "name" and cty_type == "string":
            return f"sandbox-{self.hex('name', 8)}"
        if name == "arn":
            return self.object_arn(obj)
        if name == "tags_all":
            return {}
        if name in ("region",):
            return self.context.region
        return self.of_type(name, cty_type, optional=optional)

    def of_type(self, name: str, cty_type: CtyType, *, optional: bool) -> Any:
        leaf = name.rsplit(".", 1)[-1]
        if cty_type == "string":
            return self.string(leaf)
        if cty_type == "number":
            return 1 if "version" in leaf else 0
        if cty_type == "bool":
            return False
        if cty_type == "dynamic":
            return None
        kind = cty_type[0]
        if kind in ("list", "set"):
            element = cty_type[1]
            if isinstance(element, list) and element[0] == "object" and not optional:
                return [self.of_type(f"{name}.0", element, optional=False)]
            return []
        if kind == "map":
            return {}
        if kind == "object":
            obj: dict[str, Any] = {}
            for key in sorted(cty_type[1], key=_fill_order):
                special = _SPECIAL.get((self.type_name, f"{leaf}.{key}"))
                obj[key] = special(self, obj) if special else self.of_type(key, cty_type[1][key], optional=False)
            return obj
        if kind == "tuple":
            return [self.of_type(f"{name}.{i}", item, optional=False) for i, item in enumerate(cty_type[1])]
        return None

    def string(self, name: str) -> str:
        if name in _REFERENCE_PREFIXES:
            return _REFERENCE_PREFIXES[name] + self.hex(name)
        if name.endswith("_arn") or name == "arn":
            return self.arn(_service_of(self.type_name), f"{name.removesuffix('_arn')}/{self.hex(name, 12)}")
        if name in ("owner_id", "account_id", "owner"):
            return ACCOUNT_ID
        if name == "availability_zone":
            return availability_zones(self.context.region)[self.number(name, 3)][0]
        if name == "availability_zone_id":
            return availability_zones(self.context.region)[self.number("availability_zone", 3)][1]
        if "cidr" in name:
            return "fd00:ec2::/56" if "ipv6" in name else f"10.{self.number(name, 200)}.0.0/16"
        if name.endswith("_ip") or name in ("private_ip", "public_ip"):
            return f"10.0.{self.number(name, 250)}.{self.number(name + 'x', 250) + 1}"
        if name.endswith(("_date", "_at", "_time")) or name in ("created_at", "create_date", "creation_date"):
            return self.timestamp()
        if name in ("status", "state"):
            return "ACTIVE"
        if name.endswith("_id"):
            return self.hex(name, 20)
        if name.endswith(("url", "endpoint")):
            return f"https://{self.hex(name, 16)}.{self.context.region}.{dns_suffix(self.context.partition)}"
        if "version" in name:
            return "1"
        return f"{name}-{self.hex(name, 8)}"

    def object_id(self, obj: dict[str, Any]) -> str:
        prefix = ID_PREFIXES.get(self.type_name)
        if prefix:
            return prefix + self.hex("id")
        maker = _ID_MAKERS.get(self.type_name)
        if maker:
            return str(maker(self, obj))
        for key in ("name", "bucket", "arn"):
            if isinstance(obj.get(key), str) and obj[key]:
                return str(obj[key])
        return self.hex("id", 20)

    def object_arn(self, obj: dict[str, Any]) -> str:
        known = _ARN_SERVICES.get(self.type_name)
        if known is None:
            service = _service_of(self.type_name)
            kind = self.type_name.split("_", 2)[-1].replace("_", "-")
            return self.arn(service, f"{kind}/{_text(obj.get('name')) or _text(obj.get('id')) or self.hex('arn', 12)}")
        service, template = known
        url = _text(obj.get("url"))
        fields = {
            "path": _text(obj.get("path")) or "/",
            "url_host": url.removeprefix("https://"),
            "uuid": self.uuid("arn"),
            "hex17": self.hex("arn"),
            "suffix6": self.hex("arn", 6),
        }
        for key, item in obj.items():
            if isinstance(item, str) and key not in fields:
                fields[key] = item
        fields.setdefault("id", self.hex("id"))
        fields.setdefault("name", f"sandbox-{self.hex('name', 8)}")
        fields.setdefault("cluster_name", "sandbox")
        return self.arn(service, template.format_map(_Missing(fields)))

    # --- EKS-specific values -------------------------------------------------------------------------

    def cluster_endpoint(self) -> str:
        return f"https://{self.hex('endpoint', 32).upper()}.gr7.{self.context.region}.eks.{dns_suffix(self.context.partition)}"

    def oidc_issuer(self) -> str:
        return f"https://oidc.eks.{self.context.region}.{dns_suffix(self.context.partition)}/id/{self.hex('oidc', 32).upper()}"

    def certificate_data(self) -> str:
        return base64.b64encode(_pem_certificate(self.seed).encode()).decode()


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return f"sandbox-{key}"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _service_of(type_name: str) -> str:
    parts = type_name.split("_")
    service = parts[1] if len(parts) > 1 else "sandbox"
    return {"cloudwatch": "logs", "vpc": "ec2", "default": "ec2", "autoscaling": "autoscaling"}.get(service, service)


def _fill_order(name: str) -> tuple[int, str]:
    """Names and ids first: ARNs and derived values are built from them."""
    order = {
        "name": 0,
        "bucket": 0,
        "node_group_name": 0,
        "fargate_profile_name": 0,
        "identifier": 0,
        "cluster_identifier": 0,
        "key_id": 1,
        "id": 2,
        "arn": 3,
    }
    return (order.get(name, 4), name)


def _contains_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(_contains_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(_contains_unknown(item) for item in value)
    return False


def _cluster_version(f: Fabricator, obj: dict[str, Any]) -> str:
    from generator.spec.catalog import DEFAULT_KUBERNETES_VERSION

    return DEFAULT_KUBERNETES_VERSION


def _node_group_version(f: Fabricator, obj: dict[str, Any]) -> str:
    return _cluster_version(f, obj)


def _release_version(f: Fabricator, obj: dict[str, Any]) -> str:
    version = obj.get("version")
    version = version if isinstance(version, str) else _cluster_version(f, obj)
    return f"{version}.0-20261201"


def _generated_name(default_prefix: str, name_key: str) -> Any:
    """A name the provider makes up when neither NAME nor NAME_prefix is set: prefix + Terraform's unique suffix."""

    def make(f: Fabricator, obj: dict[str, Any]) -> str:
        prefix = obj.get(f"{name_key}_prefix")
        return (prefix if isinstance(prefix, str) else default_prefix) + f.unique_suffix(name_key)

    return make


def _prefix_of(name_key: str) -> Any:
    """NAME_prefix as the provider reads it back (create.NamePrefixFromName): the prefix of a generated name, else ""."""

    def read(f: Fabricator, obj: dict[str, Any]) -> str:
        name = _text(obj.get(name_key))
        generated = len(name) > _SUFFIX_LENGTH and name[-_SUFFIX_LENGTH:].isdigit()
        return name[:-_SUFFIX_LENGTH] if generated else ""

    return read


_SUFFIX_LENGTH = 26  # Terraform's PrefixedUniqueId suffix (unique_suffix)

# engine prefix → (default port, the version AWS picks when engine_version is left out); first match wins
_RDS_ENGINES: tuple[tuple[str, int, str], ...] = (
    ("aurora-postgresql", 5432, "16.6"),
    ("aurora-mysql", 3306, "8.0.mysql_aurora.3.08.0"),
    ("postgres", 5432, "17.4"),
    ("mysql", 3306, "8.0.40"),
    ("mariadb", 3306, "11.4.5"),
    ("oracle", 1521, "19.0.0.0.ru-2025-01.rur-2025-01.r1"),
    ("sqlserver", 1433, "16.00.4175.1.v1"),
    ("db2", 50000, "11.5.9.0.sb00000000.r1"),
)


def _rds_engine(obj: dict[str, Any]) -> tuple[int, str]:
    engine = _text(obj.get("engine"))
    return next(
        ((port, version) for prefix, port, version in _RDS_ENGINES if engine.startswith(prefix)), (3306, "8.0.40")
    )


def _rds_port(f: Fabricator, obj: dict[str, Any]) -> int:
    port = obj.get("port")
    return port if isinstance(port, int) and not isinstance(port, bool) else _rds_engine(obj)[0]


def _rds_version(f: Fabricator, obj: dict[str, Any]) -> str:
    return _rds_engine(obj)[1]


def _rds_version_actual(f: Fabricator, obj: dict[str, Any]) -> str:
    configured = _text(obj.get("engine_version"))
    if not configured:
        return _rds_version(f, obj)
    return configured if "." in configured else f"{configured}.1"  # a major version alone: AWS picks its latest minor


def _rds_host(f: Fabricator) -> str:
    """`<12 characters>.<region>.rds.<suffix>`: the part of an RDS endpoint AWS derives from the account and region."""
    account = hashlib.sha256(f"{ACCOUNT_ID}|{f.context.region}|rds".encode()).hexdigest()[:12]
    return f"{account}.{f.context.region}.rds.{dns_suffix(f.context.partition)}"


def _db_address(f: Fabricator, obj: dict[str, Any]) -> str:
    return f"{_text(obj.get('identifier')).lower()}.{_rds_host(f)}"


def _cluster_endpoint(kind: str) -> Any:
    return lambda f, o: f"{_text(o.get('cluster_identifier')).lower()}.{kind}-{_rds_host(f)}"


def _rds_family(obj: dict[str, Any], version: str) -> tuple[str, str]:
    """(engine, major version) as AWS names the default parameter and option groups: postgres17, mysql8.0."""
    engine = _text(obj.get("engine"))
    parts = version.split(".")
    major = parts[0] if engine.startswith(("postgres", "aurora-postgresql")) else ".".join(parts[:2])
    return engine, major


def _kms_key_if_encrypted(f: Fabricator, obj: dict[str, Any]) -> str:
    return f.arn("kms", f"key/{f.uuid('kms')}") if obj.get("storage_encrypted") is True else ""


def _constant(value: Any) -> Any:
    return lambda f, o: value


# What RDS reports for an attribute the configuration leaves out, the same for instances and clusters.
_RDS_VALUES: dict[str, Any] = {
    "backup_retention_period": 1,
    "backup_window": "03:00-03:30",
    "preferred_backup_window": "03:00-03:30",
    "maintenance_window": "sun:05:00-sun:05:30",
    "preferred_maintenance_window": "sun:05:00-sun:05:30",
    "ca_cert_identifier": "rds-ca-rsa2048-g1",
    "ca_certificate_identifier": "rds-ca-rsa2048-g1",
    "db_subnet_group_name": "default",
    "network_type": "IPV4",
    "backup_target": "region",
    "engine_lifecycle_support": "open-source-rds-extended-support",
    "database_insights_mode": "standard",
    "performance_insights_retention_period": 0,
    "character_set_name": "",
    "nchar_character_set_name": "",
    "timezone": "",
    "replica_mode": "",
    "domain_fqdn": "",
    "db_name": "",
    "database_name": "",
    "db_system_id": "",
    "snapshot_identifier": "",
    "monitoring_role_arn": "",
    "master_user_secret_kms_key_id": "",
    "performance_insights_kms_key_id": "",
    "cluster_scalability_type": "standard",
}

_RDS_SPECIAL: dict[str, Any] = {
    **{name: _constant(value) for name, value in _RDS_VALUES.items()},
    "port": _rds_port,
    "engine_version": _rds_version,
    "engine_version_actual": _rds_version_actual,
    "kms_key_id": _kms_key_if_encrypted,
    "hosted_zone_id": lambda f, o: "Z" + f.hex("zone", 13).upper(),
}

_SPECIAL: dict[tuple[str, str], Any] = {
    ("aws_eks_cluster", "endpoint"): lambda f, o: f.cluster_endpoint(),
    ("aws_eks_cluster", "identity"): lambda f, o: [{"oidc": [{"issuer": f.oidc_issuer()}]}],
    ("aws_eks_cluster", "certificate_authority"): lambda f, o: [{"data": f.certificate_data()}],
    ("aws_eks_cluster", "platform_version"): lambda f, o: "eks.1",
    ("aws_eks_cluster", "version"): _cluster_version,
    ("aws_eks_cluster", "cluster_id"): lambda f, o: f.uuid("cluster_id"),
    ("aws_eks_cluster", "deletion_protection"): lambda f, o: False,
    ("aws_eks_cluster", "bootstrap_self_managed_addons"): lambda f, o: True,
    ("aws_eks_node_group", "version"): _node_group_version,
    ("aws_eks_node_group", "release_version"): _release_version,
    ("aws_eks_node_group", "ami_type"): lambda f, o: catalog.DEFAULT_AMI_TYPE,
    ("aws_eks_node_group", "capacity_type"): lambda f, o: "ON_DEMAND",
    ("aws_eks_node_group", "node_group_name"): lambda f, o: (
        (o.get("node_group_name_prefix") + f.unique_suffix())
        if isinstance(o.get("node_group_name_prefix"), str)
        else f"ng-{f.hex('ng', 8)}"
    ),
    ("aws_eks_node_group", "resources"): lambda f, o: [
        {"autoscaling_groups": [{"name": f"eks-{f.uuid('asg')}"}], "remote_access_security_group_id": ""}
    ],
    ("aws_eks_addon", "addon_version"): lambda f, o: "v1.0.0-eksbuild.1",
    ("aws_iam_role", "unique_id"): lambda f, o: "AROA" + f.hex("unique", 17).upper(),
    ("aws_iam_policy", "policy_id"): lambda f, o: "ANPA" + f.hex("policy", 17).upper(),
    ("aws_iam_user", "unique_id"): lambda f, o: "AIDA" + f.hex("unique", 17).upper(),
    ("aws_iam_instance_profile", "unique_id"): lambda f, o: "AIPA" + f.hex("unique", 17).upper(),
    ("aws_iam_openid_connect_provider", "thumbprint_list"): lambda f, o: [f.hex("thumb", 40)],
    ("aws_kms_key", "key_id"): lambda f, o: f.uuid("key"),
    ("aws_kms_key", "policy"): lambda f, o: "",
    ("aws_kms_alias", "target_key_arn"): lambda f, o: f.arn("kms", f"key/{_text(o.get('target_key_id')) or f.uuid()}"),
    ("aws_launch_template", "latest_version"): lambda f, o: 1,
    ("aws_launch_template", "default_version"): lambda f, o: 1,
    ("aws_vpc", "ipv6_cidr_block"): lambda f, o: (
        f"2600:1f18:{f.hex('v6', 4)}:{f.hex('v6b', 2)}00::/56"
        if o.get("assign_generated_ipv6_cidr_block") is True
        else ""
    ),
    ("aws_vpc", "ipv6_association_id"): lambda f, o: "",
    ("aws_subnet", "ipv6_cidr_block"): lambda f, o: "",
    ("aws_eip", "public_ip"): lambda f, o: f"52.{f.number('a', 250)}.{f.number('b', 250)}.{f.number('c', 250) + 1}",
    ("aws_nat_gateway", "public_ip"): lambda f, o: (
        f"52.{f.number('a', 250)}.{f.number('b', 250)}.{f.number('c', 250) + 1}"
    ),
    ("aws_cloudwatch_log_group", "retention_in_days"): lambda f, o: 0,
    ("aws_autoscaling_group", "availability_zones"): lambda f, o: [availability_zones(f.context.region)[0][0]],
    ("aws_secretsmanager_secret", "name"): _generated_name("terraform-", "name"),
    ("aws_secretsmanager_secret", "name_prefix"): _prefix_of("name"),
    ("aws_secretsmanager_secret", "policy"): lambda f, o: "",
    ("aws_ecr_repository", "registry_id"): lambda f, o: ACCOUNT_ID,
    ("aws_ecr_repository", "repository_url"): lambda f, o: (
        f"{ACCOUNT_ID}.dkr.ecr.{f.context.region}.{dns_suffix(f.context.partition)}/{_text(o.get('name'))}"
    ),
    **{("aws_db_instance", name): value for name, value in _RDS_SPECIAL.items()},
    ("aws_db_instance", "identifier"): _generated_name("terraform-", "identifier"),
    ("aws_db_instance", "identifier_prefix"): _prefix_of("identifier"),
    ("aws_db_instance", "id"): lambda f, o: "db-" + f.hex("dbi", 26).upper(),  # the DBI resource id
    ("aws_db_instance", "resource_id"): lambda f, o: "db-" + f.hex("dbi", 26).upper(),
    ("aws_db_instance", "address"): _db_address,
    ("aws_db_instance", "endpoint"): lambda f, o: f"{_db_address(f, o)}:{_rds_port(f, o)}",
    ("aws_db_instance", "status"): lambda f, o: "available",
    ("aws_db_instance", "storage_type"): lambda f, o: "gp2",
    ("aws_db_instance", "parameter_group_name"): lambda f, o: "default.{}{}".format(
        *_rds_family(o, _text(o.get("engine_version")) or _rds_version(f, o))
    ),
    ("aws_db_instance", "option_group_name"): lambda f, o: "default:{}-{}".format(
        *_rds_family(o, _text(o.get("engine_version")) or _rds_version(f, o))
    ).replace(".", "-"),
    ("aws_db_instance", "license_model"): lambda f, o: (
        "postgresql-license" if _text(o.get("engine")).startswith("postgres") else "general-public-license"
    ),
    **{("aws_rds_cluster", name): value for name, value in _RDS_SPECIAL.items()},
    ("aws_rds_cluster", "cluster_identifier"): _generated_name("tf-", "cluster_identifier"),
    ("aws_rds_cluster", "cluster_identifier_prefix"): _prefix_of("cluster_identifier"),
    ("aws_rds_cluster", "cluster_resource_id"): lambda f, o: "cluster-" + f.hex("cluster", 26).upper(),
    ("aws_rds_cluster", "endpoint"): _cluster_endpoint("cluster"),
    ("aws_rds_cluster", "reader_endpoint"): _cluster_endpoint("cluster-ro"),
    ("aws_rds_cluster", "availability_zones"): lambda f, o: [name for name, _ in availability_zones(f.context.region)],
    ("aws_rds_cluster", "storage_type"): lambda f, o: "" if _text(o.get("engine")).startswith("aurora") else "gp3",
    ("aws_rds_cluster", "db_cluster_parameter_group_name"): lambda f, o: "default.{}{}".format(
        *_rds_family(o, _text(o.get("engine_version")) or _rds_version(f, o))
    ),
    ("time_sleep", "id"): lambda f, o: f.timestamp(),
    ("null_resource", "id"): lambda f, o: str(int(f.hex("id", 15), 16)),
}


def _node_group_id(f: Fabricator, obj: dict[str, Any]) -> str:
    return f"{_text(obj.get('cluster_name'))}:{_text(obj.get('node_group_name'))}"


_ID_MAKERS: dict[str, Any] = {
    "aws_eks_node_group": _node_group_id,
    "aws_eks_addon": lambda f, o: f"{_text(o.get('cluster_name'))}:{_text(o.get('addon_name'))}",
    "aws_eks_fargate_profile": lambda f, o: f"{_text(o.get('cluster_name'))}:{_text(o.get('fargate_profile_name'))}",
    "aws_eks_access_entry": lambda f, o: f"{_text(o.get('cluster_name'))}:{_text(o.get('principal_arn'))}",
    "aws_eks_access_policy_association": lambda f, o: (
        f"{_text(o.get('cluster_name'))}#{_text(o.get('principal_arn'))}#{_text(o.get('policy_arn'))}"
    ),
    "aws_eks_pod_identity_association": lambda f, o: "a-" + f.hex("id", 17),
    "aws_iam_policy": lambda f, o: f.object_arn(o),
    "aws_iam_openid_connect_provider": lambda f, o: f.object_arn(o),
    "aws_iam_role_policy_attachment": lambda f, o: f"{_text(o.get('role'))}-{f.unique_suffix('id')}",
    "aws_iam_role_policy": lambda f, o: f"{_text(o.get('role'))}:{_text(o.get('name'))}",
    "aws_kms_key": lambda f, o: _text(o.get("key_id")) or f.uuid("key"),
    "aws_sqs_queue": lambda f, o: f"https://sqs.{f.context.region}.amazonaws.com/{ACCOUNT_ID}/{_text(o.get('name'))}",
    "aws_eks_identity_provider_config": lambda f, o: f"{_text(o.get('cluster_name'))}:{f.hex('idp', 8)}",
    "aws_autoscaling_schedule": lambda f, o: _text(o.get("scheduled_action_name")) or f.hex("id", 12),
    "aws_cloudwatch_event_target": lambda f, o: f"{_text(o.get('rule'))}-{_text(o.get('target_id'))}",
    "aws_secretsmanager_secret": lambda f, o: f.object_arn(o),
    "aws_rds_cluster": lambda f, o: _text(o.get("cluster_identifier")) or f.hex("id", 20),
}


def _kubernetes_network_config(f: Fabricator) -> dict[str, Any]:
    return {"service_ipv4_cidr": "172.20.0.0/16", "ip_family": "ipv4", "service_ipv6_cidr": ""}


# Optional+Computed blocks AWS reports empty unless configured (a secret replicates to no region by default).
_EMPTY_COMPUTED_BLOCKS = frozenset({("aws_secretsmanager_secret", "replica")})

_BLOCK_DEFAULTS: dict[tuple[str, str], Any] = {
    ("aws_eks_cluster", "kubernetes_network_config"): _kubernetes_network_config,
}
