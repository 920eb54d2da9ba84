"""Fuzzing the spec loader: whatever the input, the result is a spec or a UserInputError, never another exception."""

from __future__ import annotations

import contextlib
import copy
import io
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, run_ekstf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from generator.errors import UserInputError
from generator.spec import load_spec, load_spec_text
from generator.spec.starter import starter_spec

RICH_SPEC = """\
cluster:
  name: fuzz
  region: eu-west-1
  version: "1.33"
  endpoint: {publicCidrs: [203.0.113.0/24], private: true}
  secretsEncryption: {kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc"}
  accessEntries:
    - principalArn: arn:aws:iam::123456789012:role/admins
      policies: [{policy: AmazonEKSViewPolicy, scope: namespace, namespaces: [a]}]
vpc: {cidr: 10.1.0.0/16, availabilityZones: [eu-west-1a, eu-west-1b], nat: per-az}
managedNodeGroups:
  - name: arm
    instanceTypes: [m7g.large]
    capacityType: spot
    taints: [{key: k, value: v, effect: NoSchedule}]
    kubelet: {maxPods: 58}
    userData: {nodeConfig: {kubelet: {config: {shutdownGracePeriod: 30s}}}}
nodeGroups:
  - name: mixed
    instanceTypes: [m6i.large, m5.large]
    instancesDistribution: {onDemandPercentageAboveBaseCapacity: 20}
fargateProfiles:
  - name: fp
    selectors: [{namespace: batch, labels: {tier: low}}]
karpenter: {enabled: true}
addons:
  vpc-cni: latest
  eks-pod-identity-agent:
  aws-ebs-csi-driver: {podIdentity: {wellKnownPolicies: [ebsCSI]}}
serviceAccounts:
  - {name: external-dns, namespace: kube-system, wellKnownPolicies: [externalDNS]}
terraform: {backend: {type: s3, bucket: state-bucket}}
"""


def _seed_texts() -> list[str]:
    texts = [RICH_SPEC, starter_spec("fuzz", "eu-west-1")]
    texts += [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*/ekstf.yaml"))]
    return texts


SEEDS = _seed_texts()
_yaml = YAML(typ="safe", pure=True)
SEED_DATA = [_yaml.load(text) for text in SEEDS]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _load_or_reject(text: str) -> None:
    try:
        loaded = load_spec_text(text, "fuzz.yaml")
    except UserInputError as error:
        assert error.problems, "a UserInputError must carry at least one problem"
        for problem in error.problems:
            problem.render()
        return
    loaded.spec.model_dump(mode="json", by_alias=True)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["1.34", "0.0.0.0/0", "10.0.0.0/8", "${VAR}", "~", "yes", "no", "0x1F", "2024-01-01", "<id>"]),
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def mutated_specs(draw: st.DrawFn) -> str:
    data = copy.deepcopy(draw(st.sampled_from(SEED_DATA)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        parent: Any = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["delete", "replace", "unknown-key", "nest"]))
        if not path:
            data = draw(values) if action == "replace" else data
            continue
        last = path[-1]
        if action == "delete":
            del parent[last]
        elif action == "replace":
            parent[last] = draw(values)
        elif action == "unknown-key" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["nmae", "Name", "instanceType", "x", "minsize"]))] = draw(values)
        elif action == "nest":
            depth = draw(st.integers(min_value=1, max_value=80))
            nested: Any = parent[last]
            for _ in range(depth):
                nested = [nested] if draw(st.booleans()) else {"k": nested}
            parent[last] = nested
    buffer = io.StringIO()
    _yaml.dump(data, buffer)
    return buffer.getvalue()


@st.composite
def damaged_texts(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        position = draw(st.integers(min_value=0, max_value=len(text)))
        insert = draw(
            st.one_of(
                st.sampled_from(
                    ["\t", "\ufeff", ": ", "- ", "&a ", "*a", "*nope", "!!python/object:os.system ", "{", "]", "'", '"']
                ),
                st.sampled_from(["\n  - ", "\n---\n", "\x00", "\x85", "%YAML 1.1\n", "<<: *a\n", "? [a, b]\n"]),
                st.text(max_size=8),
            )
        )
        cut = draw(st.integers(min_value=0, max_value=5))
        text = text[:position] + insert + text[position + cut :]
    return text


@FUZZ
@given(st.text(max_size=300))
def test_random_text_never_raises_anything_else(text: str) -> None:
    _load_or_reject(text)


@FUZZ
@given(mutated_specs())
def test_mutated_specs_never_raise_anything_else(text: str) -> None:
    _load_or_reject(text)


@FUZZ
@given(damaged_texts())
def test_damaged_yaml_never_raises_anything_else(text: str) -> None:
    _load_or_reject(text)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"cluster:\n  name: \xe9\n"]))
def test_random_bytes_in_a_file_never_raise_anything_else(data: bytes, prefix: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ekstf.yaml"
        path.write_bytes(prefix + data)
        with contextlib.suppress(UserInputError):
            load_spec(path)


def test_alias_bomb_is_rejected_quickly() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for previous, name in zip("abcdefg", "bcdefgh", strict=True):
        lines.append(f"{name}: &{name} [{','.join([f'*{previous}'] * 10)}]")
    with pytest.raises(UserInputError, match="expands to more than"):
        load_spec_text("\n".join(lines) + "\n")


def test_recursive_alias_is_rejected() -> None:
    with pytest.raises(UserInputError):
        load_spec_text("cluster: &c\n  name: a\n  region: eu-west-1\n  tags: *c\n")


CLI_CASES = {
    "garbage-bytes": b"\x00\xff\xfe\x9c garbage",
    "tab-and-bom": b"\xef\xbb\xbfcluster:\n\tname: x\n",
    "deep-nesting": b"cluster: " + b"[" * 500 + b"]" * 500 + b"\n",
    "huge-number": b"cluster: {name: a, region: eu-west-1}\nvpc: {azCount: " + b"9" * 5000 + b"}\n",
    "python-tag": b"cluster: !!python/object/apply:os.system ['echo hi']\n",
    "wrong-everything": b"cluster: 5\nvpc: []\nmanagedNodeGroups: {a: b}\naddons: 7\n",
}


@pytest.mark.parametrize("name", sorted(CLI_CASES))
def test_cli_exits_2_without_traceback_on_fuzz_cases(name: str, tmp_path: Path) -> None:
    spec = tmp_path / "ekstf.yaml"
    spec.write_bytes(CLI_CASES[name])
    result = run_ekstf("validate", spec)
    assert result.returncode == 2, result.output
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    assert str(spec) in result.stderr


def test_fuzz_seeds_are_valid_specs() -> None:
    """Mutations start from valid specs, so they explore the edges of the valid space."""
    assert len(SEEDS) >= 2
    for text in SEEDS:
        load_spec_text(text)
