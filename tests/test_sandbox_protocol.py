"""The provider double's own layers: msgpack values, planning, fabricated values, the go-plugin handshake."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

from generator.sandbox import planning, values
from generator.sandbox import tfplugin6_pb2 as pb
from generator.sandbox.contracts import UNKNOWN
from generator.sandbox.fabricate import Context, Fabricator
from generator.sandbox.provider import MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, ProviderDouble, guarded
from generator.sandbox.schemas import data_source_schema, resource_schema
from generator.sandbox.world import FileWorld


def test_unknown_round_trips_as_msgpack_extension_zero() -> None:
    cty = ["object", {"id": "string", "n": "number", "tags": ["map", "string"]}]
    raw = values.encode({"id": UNKNOWN, "n": 3}, cty)
    assert b"\xd4\x00\x00" in raw
    assert values.decode(raw) == {"id": UNKNOWN, "n": 3, "tags": None}


def test_refined_unknown_decodes_as_unknown() -> None:
    refined = b"\x81\xa1a\xc7\x03\x0c\x81\x01\xc3"  # {"a": ext12({1: true})}: an unknown with a refinement
    assert values.decode(refined) == {"a": UNKNOWN}


def test_conform_fills_every_object_attribute_and_converts_scalars() -> None:
    cty = ["list", ["object", {"a": "string", "b": "number", "c": "bool"}]]
    assert values.conform([{"a": 1, "b": "2"}], cty) == [{"a": "1", "b": 2, "c": None}]


def _cluster_create(region: str = "eu-west-1", default_tags: dict[str, str] | None = None) -> planning.Planned:
    schema = resource_schema("aws", "aws_eks_cluster")
    assert schema is not None
    config = planning.mark_unknown(schema.shape, {}, {})
    config = {key: None for key in config}
    config.update(name="demo", role_arn="arn:aws:iam::123456789012:role/r", tags={"team": "a"})
    config["vpc_config"] = [{"subnet_ids": ["subnet-1", "subnet-2"]}]
    for name, nested in schema.shape.blocks.items():
        config.setdefault(name, [] if nested.nesting != 1 else None)
        if config[name] is None and nested.nesting in (2, 3):
            config[name] = []
    context = Context(region=region, default_tags=default_tags or {})
    behaviour = planning.Behaviour(computed_blocks=("kubernetes_network_config",))
    return planning.plan(schema, None, config, config, context, behaviour)


def test_create_plans_computed_attributes_and_computed_blocks_unknown() -> None:
    planned = _cluster_create(default_tags={"owner": "x", "team": "default"}).values
    assert planned["arn"] is UNKNOWN and planned["endpoint"] is UNKNOWN and planned["id"] is UNKNOWN
    assert planned["name"] == "demo"
    assert planned["kubernetes_network_config"] is UNKNOWN
    assert planned["tags_all"] == {"owner": "x", "team": "a"}
    assert planned["region"] == "eu-west-1"


def test_apply_fabricates_plausible_eks_values_deterministically() -> None:
    schema = resource_schema("aws", "aws_eks_cluster")
    assert schema is not None
    planned = _cluster_create().values
    first = planning.apply("aws_eks_cluster", schema, None, planned, Context(region="eu-west-1"))
    second = planning.apply("aws_eks_cluster", schema, None, planned, Context(region="eu-west-1"))
    assert first == second
    assert first["arn"] == "arn:aws:eks:eu-west-1:123456789012:cluster/demo"
    assert first["endpoint"].startswith("https://") and first["endpoint"].endswith(".gr7.eu-west-1.eks.amazonaws.com")
    issuer = first["identity"][0]["oidc"][0]["issuer"]
    assert issuer.startswith("https://oidc.eks.eu-west-1.amazonaws.com/id/") and len(issuer.rsplit("/", 1)[1]) == 32
    pem = base64.b64decode(first["certificate_authority"][0]["data"]).decode()
    assert pem.startswith("-----BEGIN CERTIFICATE-----\n") and pem.endswith("-----END CERTIFICATE-----\n")
    assert first["kubernetes_network_config"][0]["service_ipv4_cidr"] == "172.20.0.0/16"
    assert not values.is_wholly_known(planned) and values.is_wholly_known(first)


@pytest.mark.parametrize(
    ("type_name", "prefix"),
    [
        ("aws_vpc", "vpc-"),
        ("aws_subnet", "subnet-"),
        ("aws_security_group", "sg-"),
        ("aws_launch_template", "lt-"),
        ("aws_internet_gateway", "igw-"),
        ("aws_nat_gateway", "nat-"),
        ("aws_eip", "eipalloc-"),
        ("aws_route_table", "rtb-"),
    ],
)
def test_ids_have_aws_prefixes(type_name: str, prefix: str) -> None:
    object_id = Fabricator(Context(), type_name, "seed").object_id({})
    assert object_id.startswith(prefix) and len(object_id) == len(prefix) + 17


def test_name_prefix_makes_a_terraform_unique_name() -> None:
    schema = resource_schema("aws", "aws_iam_role")
    assert schema is not None
    planned = {name: None for name in schema.shape.attributes} | {"name_prefix": "demo-", "assume_role_policy": "{}"}
    planned = planning.plan(schema, None, planned, planned, Context()).values
    applied = planning.apply("aws_iam_role", schema, None, planned, Context())
    assert applied["name"].startswith("demo-") and len(applied["name"]) == len("demo-") + 26
    assert applied["arn"] == f"arn:aws:iam::123456789012:role/{applied['name']}"


def test_changing_a_force_new_attribute_asks_for_replacement() -> None:
    schema = resource_schema("aws", "aws_eks_cluster")
    assert schema is not None
    planned = _cluster_create().values
    prior = planning.apply("aws_eks_cluster", schema, None, planned, Context(region="eu-west-1"))
    proposed = {**prior, "role_arn": "arn:aws:iam::123456789012:role/other"}
    config = dict(proposed)
    for name, attribute in schema.shape.attributes.items():
        if attribute.computed and (not attribute.optional or name == "id"):
            config[name] = None
    behaviour = planning.Behaviour(force_new=(("role_arn",),))
    result = planning.plan(schema, prior, proposed, config, Context(region="eu-west-1"), behaviour)
    assert result.requires_replace == [("role_arn",)]
    assert result.values["arn"] is UNKNOWN
    same = planning.plan(schema, prior, prior, prior, Context(region="eu-west-1"), behaviour)
    assert same.requires_replace == [] and same.values == prior


def test_equivalent_policy_json_keeps_the_stored_form() -> None:
    stored = '{"Statement":[{"Action":["sts:AssumeRole"],"Effect":"Allow"}],"Version":"2012-10-17"}'
    assert planning.json_equivalent(
        stored, '{"Version":"2012-10-17","Statement":[{"Action":"sts:AssumeRole","Effect":"Allow"}]}'
    )
    assert not planning.json_equivalent(
        stored, '{"Version":"2012-10-17","Statement":[{"Action":"s3:*","Effect":"Allow"}]}'
    )


def test_data_sources_return_known_plausible_values() -> None:
    from generator.sandbox.datasources import read
    from generator.sandbox.world import FileWorld

    schema = data_source_schema("aws", "aws_availability_zones")
    assert schema is not None
    zones = read("aws_availability_zones", schema, {}, Context(region="eu-west-1"), FileWorld(None))
    assert zones["names"] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert zones["zone_ids"] == ["euw1-az1", "euw1-az2", "euw1-az3"]
    ssm = data_source_schema("aws", "aws_ssm_parameter")
    assert ssm is not None
    name = "/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/recommended/image_id"
    value = read("aws_ssm_parameter", ssm, {"name": name}, Context(), FileWorld(None))["value"]
    assert value.startswith("ami-") and len(value) == 21


def test_cloudinit_renders_real_mime_multipart() -> None:
    import base64 as b64
    import email
    import gzip

    from generator.sandbox.datasources import read
    from generator.sandbox.world import FileWorld

    schema = data_source_schema("cloudinit", "cloudinit_config")
    assert schema is not None
    config = {
        "gzip": False,
        "base64_encode": True,
        "boundary": "//",
        "part": [
            {
                "content_type": "text/x-shellscript",
                "content": "#!/bin/sh\necho hi\n",
                "filename": None,
                "merge_type": None,
            }
        ],
    }
    rendered = read("cloudinit_config", schema, config, Context(), FileWorld(None))["rendered"]
    message = email.message_from_bytes(b64.b64decode(rendered))
    assert message.is_multipart()
    assert [part.get_content_type() for part in message.get_payload()] == ["text/x-shellscript"]
    zipped = read("cloudinit_config", schema, {**config, "gzip": True}, Context(), FileWorld(None))["rendered"]
    assert gzip.decompress(b64.b64decode(zipped)).startswith(b"Content-Type: multipart/mixed")


@pytest.mark.parametrize("depth", [0, 120], ids=["short-tmpdir", "tmpdir-longer-than-a-socket-path"])
def test_provider_prints_the_go_plugin_handshake_and_keeps_its_socket_private(tmp_path: Path, depth: int) -> None:
    tmp_path = tmp_path / ("d" * depth) if depth else tmp_path
    tmp_path.mkdir(exist_ok=True)
    env = {**os.environ, MAGIC_COOKIE_KEY: MAGIC_COOKIE_VALUE, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-I", "-m", "generator.sandbox.provider", "null"], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        core, protocol, network, address, kind, cert = line.split("|")
        assert (core, protocol, network, kind) == ("1", "6", "unix", "grpc")
        assert base64.b64decode(cert + "=" * (-len(cert) % 4))[:1] == b"\x30"  # a DER certificate
        socket_dir = Path(address).parent
        assert stat.S_IMODE(socket_dir.stat().st_mode) == 0o700
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert list(tmp_path.iterdir()) == []


def test_provider_refuses_to_run_outside_terraform() -> None:
    env = {key: value for key, value in os.environ.items() if key != MAGIC_COOKIE_KEY}
    result = subprocess.run(
        [sys.executable, "-m", "generator.sandbox.provider", "aws"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1 and "Terraform starts it" in result.stderr


# --- the servicer: every RPC failure is a diagnostic, never a gRPC crash ("Plugin error") ---------------------------


def _policy_document_request(*sids: str) -> pb.ReadDataSourceRequest:
    schema = data_source_schema("aws", "aws_iam_policy_document")
    assert schema is not None
    statements = [{"sid": sid, "actions": [f"s3:Get{i}"], "resources": ["*"]} for i, sid in enumerate(sids)]
    config = values.conform({"statement": statements}, schema.cty_type)
    return pb.ReadDataSourceRequest(
        type_name="aws_iam_policy_document", config=pb.DynamicValue(msgpack=values.encode(config, schema.cty_type))
    )


def _rpc(double: ProviderDouble, name: str) -> Any:
    fn, _, response_type = double.provider_rpcs()[name]
    return guarded(fn, response_type, name)


def test_policy_document_data_source_serves_json_minified_json_and_crc32_id() -> None:
    schema = data_source_schema("aws", "aws_iam_policy_document")
    assert schema is not None
    response = _rpc(ProviderDouble("aws", FileWorld(None)), "ReadDataSource")(_policy_document_request("A"), None)
    assert not response.diagnostics
    state = values.decode(response.state.msgpack)
    assert state["minified_json"] == (
        '{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:Get0","Resource":"*"}]}'
    )
    assert json.loads(state["json"]) == json.loads(state["minified_json"]) and "\n" in state["json"]
    assert state["id"] == str(zlib.crc32(state["json"].encode()))


def test_a_policy_document_the_provider_refuses_is_an_error_diagnostic_with_its_message() -> None:
    response = _rpc(ProviderDouble("aws", FileWorld(None)), "ReadDataSource")(_policy_document_request("A", "A"), None)
    [diagnostic] = response.diagnostics
    assert diagnostic.severity == 1  # ERROR
    assert diagnostic.summary.startswith("writing IAM Policy Document: duplicate Sid (A).")
    assert "aws_iam_policy_document" in diagnostic.detail
    assert not response.state.msgpack


@pytest.mark.parametrize("rpc", ["ReadDataSource", "PlanResourceChange", "ApplyResourceChange", "ReadResource"])
def test_any_exception_in_a_handler_becomes_a_diagnostic_naming_the_type_and_error(
    rpc: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.sandbox import datasources

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("boom")

    monkeypatch.setattr(datasources, "read", broken)
    monkeypatch.setattr(planning, "plan", broken)
    monkeypatch.setattr(planning, "apply", broken)
    monkeypatch.setattr(values, "decode", broken)
    double = ProviderDouble("aws", FileWorld(None))
    request_type = double.provider_rpcs()[rpc][1]
    type_name = "aws_iam_policy_document" if rpc == "ReadDataSource" else "aws_eks_cluster"
    response = _rpc(double, rpc)(request_type(type_name=type_name), None)
    [diagnostic] = response.diagnostics
    assert diagnostic.severity == 1
    assert diagnostic.summary == f"ekstf sandbox: {rpc} of {type_name} failed: KeyError: 'boom'"


def test_every_provider_rpc_with_diagnostics_is_guarded() -> None:
    double = ProviderDouble("aws", FileWorld(None))
    for name, (fn, _, response_type) in double.provider_rpcs().items():
        if response_type is not None and "diagnostics" in response_type.DESCRIPTOR.fields_by_name:
            assert guarded(fn, response_type, name) is not fn, name


def test_every_ssm_parameter_the_node_group_modules_read_has_the_shape_they_expect() -> None:
    """Each path of the eks module's AMI maps: image ids are AMI ids, release versions look like EKS's, the Windows
    parameters (which the managed node group jsondecodes for `release_version`) are JSON documents."""
    import re

    from conftest import shared_path

    from generator.sandbox.datasources import ssm_parameter_value

    modules = shared_path("tf-modules", "terraform-aws-eks-21.19.0", "modules")
    paths = set()
    for module in ("eks-managed-node-group", "self-managed-node-group"):
        text = (modules / module / "main.tf").read_text(encoding="utf-8")
        paths |= set(re.findall(r'"(/aws/service/[^"]+)"', text))
    assert len(paths) > 30
    for template in sorted(paths):
        name = template.replace("${local.ssm_kubernetes_version}", "1.33")
        value = ssm_parameter_value(name)
        if name.startswith("/aws/service/ami-windows-latest/") and not name.endswith("/image_id"):
            document = json.loads(value)
            assert re.fullmatch(r"1\.33\.\d+-\d{8}", document["release_version"]), name
            assert re.fullmatch(r"ami-[0-9a-f]{17}", document["image_id"]), name
            assert ssm_parameter_value(name + "/image_id") == document["image_id"]
        elif name.endswith("/image_id"):
            assert re.fullmatch(r"ami-[0-9a-f]{17}", value), name
        elif name.endswith("/release_version"):
            assert re.fullmatch(r"1\.33\.\d+-\d{8}", value), name
        else:
            assert name.endswith("/image_version") and re.fullmatch(r"\d+\.\d+\.\d+-[0-9a-f]{8}", value), name
