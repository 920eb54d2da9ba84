"""Fuzzing the spec loader: whatever the input, the result is a spec or a UserInputError, never another exception."""

from __future__ import annotations

import contextlib
import copy
import io
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, run_ekstf
from hypothesis import HealthCheck, Phase, given, settings
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


# Strings an attacker or an unlucky copy-paste puts in a spec: terminal escapes, HCL template and heredoc syntax,
# line breaks of every kind, invisible and combining characters, and very long text.
HOSTILE_PIECES = [
    "\n",
    "\r\n",
    "\t",
    "\x00",
    "\x07",
    "\x1b[2J",
    "\x1b]0;title\x07",
    "\x7f",
    "\x85",
    "\u2028",
    "\u202e",
    "\u200d",
    "\u0301",
    "\ufeff",
    "\u3000",
    '"',
    "'",
    "\\",
    "${",
    "${var.x}",
    "%{",
    "%{ if true }",
    "$${",
    "}",
    "EOT",
    "<<-EOT",
    "\nEOT\n",
    "#",
    "//",
    "/*",
    "=",
    "ünï",
    "🚀",
    "\U0001f3fb",
    "  ",
    "-",
    ": ",
    "- ",
    "&a",
    "*a",
    "!!str",
]
hostile_strings = st.one_of(
    st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=5)), max_size=10).map("".join),
    st.integers(min_value=1000, max_value=5000).map(lambda n: "x" * n),
)
non_finite = st.sampled_from([float("nan"), float("inf"), float("-inf")])
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    non_finite,
    st.text(max_size=30),
    hostile_strings,
    st.sampled_from(["1.34", "0.0.0.0/0", "10.0.0.0/8", "${VAR}", "~", "yes", "no", "0x1F", "2024-01-01", "<id>"]),
    st.sampled_from([".nan", ".inf", "-.inf", "inf", "NaN", "1e5000", "-0", "0o17", ">= 1.5.7,", "~> 6.0"]),
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


# Where free-form values live: everything written here reaches the generated HCL.
FREE_FORM_PLACES = [
    ("managedNodeGroups", 0, "kubelet", "extraConfig"),
    ("managedNodeGroups", 0, "userData", "nodeConfig"),
    ("addons", "aws-ebs-csi-driver", "configuration"),
]
TEXT_PLACES = [("managedNodeGroups", 0, "tags"), ("cluster", "tags")]
free_form = st.recursive(
    st.one_of(hostile_strings, st.floats(allow_nan=False, allow_infinity=False), st.integers(), st.booleans()),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(hostile_strings, children, max_size=3),
    max_leaves=8,
)


@st.composite
def hostile_specs(draw: st.DrawFn) -> str:
    """RICH_SPEC with hostile keys and values in the free-form maps, tags, user data and version constraints;
    now and then a non-finite number (which must be refused)."""
    data = copy.deepcopy(SEED_DATA[0])
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        text_place = draw(st.integers(min_value=0, max_value=3)) == 0
        place = draw(st.sampled_from(TEXT_PLACES if text_place else FREE_FORM_PLACES))
        parent: Any = data
        for part in place[:-1]:
            parent = parent[part] if isinstance(parent, list) else parent.setdefault(part, {})
        values = hostile_strings if text_place else free_form
        parent[place[-1]] = draw(st.dictionaries(hostile_strings, values, max_size=4))
    group = data["managedNodeGroups"][0]
    if draw(st.booleans()):
        group["userData"] = {"shell": draw(hostile_strings) + draw(st.sampled_from(["", "\n", "\n  \n"]))}
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        data["terraform"]["versions"] = {"aws": draw(st.one_of(hostile_strings, st.just(">= 6.28, < 7.0")))}
    if draw(st.integers(min_value=0, max_value=9)) == 5:
        group.setdefault("kubelet", {}).setdefault("extraConfig", {})["ratio"] = draw(non_finite)
    buffer = io.StringIO()
    _yaml.dump(data, buffer)
    return buffer.getvalue()


def _render_or_reject(text: str) -> dict[str, bytes] | None:
    """A spec is rejected with problems, or loads and renders: no third outcome."""
    from generator.generate import render_repo

    try:
        loaded = load_spec_text(text, "fuzz.yaml")
    except UserInputError as error:
        assert error.problems
        for problem in error.problems:
            rendered = problem.render()
            assert "\x1b" not in rendered and "\r" not in rendered, rendered
        return None
    return render_repo(loaded.spec)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(hostile_specs())
def test_hostile_free_form_values_are_rejected_or_rendered(text: str) -> None:
    _render_or_reject(text)


def _terraform_findings(files: dict[str, bytes], root: Path) -> list[str]:
    """What Terraform's own formatter/parser and config loader say about a generated repository."""
    from generator.conformance.fmt_check import check_format
    from generator.conformance.load_check import check_load

    for relative, content in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(content)
    formatted = check_format(root)
    modules = [p for p in (root / "modules").iterdir() if p.is_dir()] if (root / "modules").is_dir() else []
    loaded = check_load(root, modules, formatted.reported)
    return [f"{f.file}:{f.line}: {f.message}" for f in [*formatted.findings, *loaded.findings]]


@pytest.mark.slow
@settings(
    max_examples=5,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # each example runs Terraform: no slow shrinking
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(hostile_specs())
def test_accepted_hostile_specs_generate_what_terraform_accepts(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    """The guarantee behind `generate`: a spec it accepts never yields HCL that Terraform's parser or loader rejects
    (and `terraform fmt` would leave every file as it is)."""
    files = _render_or_reject(text)
    if files is None:
        return
    findings = _terraform_findings(files, tmp_path_factory.mktemp("hostile"))
    assert not findings, "\n".join(findings) + "\n--- spec ---\n" + text


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
    "nan-in-free-form": b"cluster: {name: a, region: eu-west-1}\naddons: {coredns: {configuration: {x: .nan}}}\n",
    "boolean-number": b"cluster: {name: a, region: eu-west-1}\nvpc: {azCount: true}\n",
    "escape-in-key": b'cluster: {name: a, region: eu-west-1, "\\e[2J\\rok": 1}\n',
    "surrogate": b'cluster: {name: a, region: eu-west-1, tags: {"\\ud800": x}}\n',
    "bad-constraint": b"cluster: {name: a, region: eu-west-1}\nterraform: {versions: {aws: 'latest'}}\n",
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
