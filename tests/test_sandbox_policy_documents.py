"""aws_iam_policy_document rendered as the AWS provider renders it (sorting, grouping, merging, Go's JSON encoding)."""

from __future__ import annotations

import json
import zlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.sandbox.aws_rules import identity_policy_error, trust_policy_error
from generator.sandbox.contracts import UNKNOWN
from generator.sandbox.policy_documents import PolicyDocumentError, policy_document_attributes, render_policy_document


def _statement(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "sid": None,
        "effect": None,
        "actions": None,
        "not_actions": None,
        "resources": None,
        "not_resources": None,
        "principals": [],
        "not_principals": [],
        "condition": [],
    }
    return {**base, **values}


def _config(*statements: dict[str, Any], **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "version": None,
        "policy_id": None,
        "source_policy_documents": None,
        "override_policy_documents": None,
        "statement": list(statements),
    }
    return {**base, **values}


def test_eks_trust_policy_renders_exactly_like_the_provider() -> None:
    config = _config(
        _statement(
            sid="EKSClusterAssumeRole",
            actions=["sts:AssumeRole", "sts:TagSession"],
            principals=[{"type": "Service", "identifiers": ["eks.amazonaws.com"]}],
        )
    )
    assert render_policy_document(config) == (
        "{\n"
        '  "Version": "2012-10-17",\n'
        '  "Statement": [\n'
        "    {\n"
        '      "Sid": "EKSClusterAssumeRole",\n'
        '      "Effect": "Allow",\n'
        '      "Action": [\n'
        '        "sts:TagSession",\n'
        '        "sts:AssumeRole"\n'
        "      ],\n"
        '      "Principal": {\n'
        '        "Service": "eks.amazonaws.com"\n'
        "      }\n"
        "    }\n"
        "  ]\n"
        "}"
    )


def test_single_elements_are_strings_lists_are_reverse_sorted_and_empty_sid_is_left_out() -> None:
    config = _config(
        _statement(
            effect="Deny",
            actions=["ec2:RunInstances"],
            not_actions=["iam:*"],
            resources=["arn:aws:s3:::a", "arn:aws:s3:::c", "arn:aws:s3:::b"],
            not_resources=["*"],
        )
    )
    [statement] = json.loads(render_policy_document(config))["Statement"]
    assert statement == {
        "Effect": "Deny",
        "Action": "ec2:RunInstances",
        "NotAction": "iam:*",
        "Resource": ["arn:aws:s3:::c", "arn:aws:s3:::b", "arn:aws:s3:::a"],
        "NotResource": "*",
    }
    assert list(statement) == ["Effect", "Action", "NotAction", "Resource", "NotResource"]


def test_principals_group_by_type_and_the_star_principal_collapses() -> None:
    grouped = _config(
        _statement(
            actions=["sts:AssumeRole"],
            principals=[
                {"type": "AWS", "identifiers": ["arn:aws:iam::111122223333:root"]},
                {
                    "type": "AWS",
                    "identifiers": ["arn:aws:iam::111122223333:role/b", "arn:aws:iam::111122223333:role/c"],
                },
                {"type": "Federated", "identifiers": ["arn:aws:iam::111122223333:oidc-provider/x"]},
            ],
            not_principals=[{"type": "Service", "identifiers": ["ec2.amazonaws.com"]}],
        )
    )
    [statement] = json.loads(render_policy_document(grouped))["Statement"]
    assert statement["Principal"] == {
        "AWS": [
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::111122223333:role/c",
            "arn:aws:iam::111122223333:role/b",
        ],
        "Federated": "arn:aws:iam::111122223333:oidc-provider/x",
    }
    assert statement["NotPrincipal"] == {"Service": "ec2.amazonaws.com"}

    anyone = _config(_statement(actions=["s3:GetObject"], principals=[{"type": "*", "identifiers": ["*"]}]))
    assert json.loads(render_policy_document(anyone))["Statement"][0]["Principal"] == "*"
    any_aws = _config(_statement(actions=["s3:GetObject"], principals=[{"type": "AWS", "identifiers": ["*"]}]))
    assert json.loads(render_policy_document(any_aws))["Statement"][0]["Principal"] == {"AWS": "*"}


def test_conditions_keep_value_order_collapse_single_values_and_merge_same_keys() -> None:
    config = _config(
        _statement(
            actions=["sts:AssumeRoleWithWebIdentity"],
            condition=[
                {"test": "StringEquals", "variable": "oidc:sub", "values": ["system:serviceaccount:b", "system:serviceaccount:a"]},
                {"test": "StringEquals", "variable": "oidc:aud", "values": ["sts.amazonaws.com"]},
                {"test": "StringLike", "variable": "aws:PrincipalTag/team", "values": ["x"]},
                {"test": "StringLike", "variable": "aws:PrincipalTag/team", "values": ["y"]},
            ],
        )
    )  # fmt: skip
    [statement] = json.loads(render_policy_document(config))["Statement"]
    assert statement["Condition"] == {
        "StringEquals": {
            "oidc:aud": "sts.amazonaws.com",
            "oidc:sub": ["system:serviceaccount:b", "system:serviceaccount:a"],
        },
        "StringLike": {"aws:PrincipalTag/team": ["x", "y"]},
    }
    assert list(statement["Condition"]["StringEquals"]) == ["oidc:aud", "oidc:sub"]  # Go sorts map keys


def test_policy_variables_are_rewritten_and_refused_in_the_2008_version() -> None:
    config = _config(_statement(actions=["s3:*"], resources=["arn:aws:s3:::home/&{aws:username}/*"]))
    assert (
        json.loads(render_policy_document(config))["Statement"][0]["Resource"] == "arn:aws:s3:::home/${aws:username}/*"
    )
    with pytest.raises(PolicyDocumentError, match="not supported in document version 2008-10-17"):
        render_policy_document({**config, "version": "2008-10-17"})


def test_merging_sources_statements_and_overrides_by_sid() -> None:
    source_a = json.dumps(
        {
            "Version": "2008-10-17",
            "Id": "a",
            "Statement": [{"Sid": "Keep", "Effect": "Allow", "Action": ["s3:A", "s3:B"]}],
        }
    )
    source_b = json.dumps({"Statement": [{"Sid": "Replace", "Effect": "Allow", "Action": "s3:Old", "Resource": "*"}]})
    override = json.dumps(
        {
            "Id": "final",
            "Statement": [{"Sid": "Keep", "Effect": "Deny", "Action": "s3:Z", "Resource": "*"}, {"Action": "x:Y"}],
        }
    )
    config = _config(
        _statement(sid="Replace", actions=["s3:New"], resources=["*"]),
        _statement(actions=["s3:Extra"], resources=["*"]),
        source_policy_documents=[source_a, source_b],
        override_policy_documents=[override],
        policy_id="mine",
    )
    document = json.loads(render_policy_document(config))
    assert document["Version"] == "2012-10-17"  # the higher version wins
    assert document["Id"] == "final"  # a later Id is adopted
    assert document["Statement"] == [
        {"Sid": "Keep", "Effect": "Deny", "Action": "s3:Z", "Resource": "*"},
        {"Sid": "Replace", "Effect": "Allow", "Action": "s3:New", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:Extra", "Resource": "*"},
        {"Action": "x:Y"},
    ]


def test_source_documents_keep_their_action_order_and_normalise_principals_and_conditions() -> None:
    source = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["b:One", "a:Two"],
                    "Principal": {"AWS": ["arn:aws:iam::1:root", "arn:aws:iam::3:root", "arn:aws:iam::2:root"]},
                    "Condition": {"Bool": {"aws:SecureTransport": False}, "StringEquals": {"k": "v"}},
                }
            ],
        }
    )
    [statement] = json.loads(render_policy_document(_config(source_policy_documents=[source])))["Statement"]
    assert statement["Action"] == ["b:One", "a:Two"]
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::3:root", "arn:aws:iam::2:root", "arn:aws:iam::1:root"]}
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}, "StringEquals": {"k": "v"}}


def test_duplicate_sids_are_refused_with_the_providers_message() -> None:
    twice = _config(_statement(sid="A", actions=["s3:A"]), _statement(sid="A", actions=["s3:B"]))
    with pytest.raises(PolicyDocumentError, match=r"duplicate Sid \(A\)\. Remove the Sid or ensure the Sid is unique"):
        render_policy_document(twice)
    source = json.dumps({"Statement": [{"Sid": "S", "Action": "a:b"}]})
    with pytest.raises(PolicyDocumentError, match=r"merging source document 1: duplicate Sid \(S\)"):
        render_policy_document(_config(source_policy_documents=[source, source]))
    with pytest.raises(PolicyDocumentError, match="merging override document 0"):
        render_policy_document(_config(override_policy_documents=["{not json"]))


def test_minified_json_escapes_like_go_and_the_id_is_the_crc32_of_json() -> None:
    config = _config(_statement(actions=["s3:GetObject"], resources=["arn:aws:s3:::a&b<c>/ü"]))
    attributes = policy_document_attributes(config)
    assert attributes["minified_json"] == (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",'
        '"Resource":"arn:aws:s3:::a\\u0026b\\u003cc\\u003e/ü"}]}'
    )
    assert "\\u0026" in attributes["json"]
    assert attributes["id"] == str(zlib.crc32(attributes["json"].encode()))
    assert json.loads(attributes["json"]) == json.loads(attributes["minified_json"])


def test_an_empty_document_and_unknown_values() -> None:
    assert render_policy_document(_config()) == '{\n  "Version": "2012-10-17"\n}'
    with pytest.raises(PolicyDocumentError, match="not known yet"):
        render_policy_document(_config(_statement(actions=UNKNOWN)))


def test_rendered_trust_and_identity_policies_pass_the_sandbox_iam_validators() -> None:
    trust = _config(
        _statement(actions=["sts:AssumeRole"], principals=[{"type": "Service", "identifiers": ["ec2.amazonaws.com"]}])
    )
    assert trust_policy_error(render_policy_document(trust)) is None
    identity = _config(_statement(actions=["ec2:Describe*"], resources=["*"]))
    assert identity_policy_error(render_policy_document(identity)) is None
    no_resource = _config(_statement(actions=["route53:ChangeResourceRecordSets"]))
    assert identity_policy_error(render_policy_document(no_resource)) == "Policy statement must contain resources."


_names = st.text(alphabet="abcdefghij:*", min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    actions=st.lists(_names, min_size=1, max_size=5, unique=True),
    resources=st.lists(_names, max_size=4, unique=True),
    sid=st.one_of(st.none(), st.text(alphabet="abcXYZ019", min_size=1, max_size=6)),
)
def test_rendering_is_deterministic_and_sets_render_as_the_provider_orders_them(
    actions: list[str], resources: list[str], sid: str | None
) -> None:
    config = _config(_statement(sid=sid, actions=actions, resources=resources or None))
    first, again = policy_document_attributes(config), policy_document_attributes(json.loads(json.dumps(config)))
    assert first == again
    [statement] = json.loads(first["json"])["Statement"]
    expected_actions: Any = actions[0] if len(actions) == 1 else sorted(actions, reverse=True)
    assert statement["Action"] == expected_actions
    assert ("Sid" in statement) == bool(sid)
    assert ("Resource" in statement) == bool(resources)
