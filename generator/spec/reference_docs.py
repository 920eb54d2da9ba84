"""The spec reference `docs/spec.md`, generated from the JSON Schema (every key: type, default, description).

Regenerate both committed files with `python -m generator.spec.reference_docs [DOCS_DIR]` (default: ./docs);
a test fails when they are out of step with the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from generator.spec.schema import schema_text, spec_json_schema

_INTRO = """\
# ekstf spec reference

`ekstf.yaml` describes one EKS cluster. `ekstf generate ekstf.yaml -o infra/` turns it into a Terraform
repository; `ekstf validate ekstf.yaml` checks it (add `--aws` to check it against your account) and
`ekstf validate --show-completed` prints it with every default filled in. `ekstf init` writes a commented
starter.

Keys are camelCase. Unknown keys are errors (with a "did you mean" hint), and every error names the
file, line, column and key path. Editors can complete and check the file with the JSON Schema
([`ekstf.schema.json`](ekstf.schema.json), or `ekstf schema`): put
`# yaml-language-server: $schema=<path>/ekstf.schema.json` on the first line.

AWS ids (of VPCs, subnets, security groups, AMIs, launch templates) must start with their type's prefix
(`vpc-`, `subnet-`, `sg-`, `ami-`, `lt-`): a name where an id belongs is an error. An id whose rest is not
8 or 17 hex digits (such as eksctl's sample `sg-1`) is only a warning, because whether an id exists is
something only your account can say: `ekstf validate --aws` checks that every id the spec names exists.

This page is generated from the schema (`python -m generator.spec.reference_docs`); do not edit it by hand.

## A minimal spec

A name and a region are enough: a new VPC over three AZs with one NAT gateway, private and public
endpoint, secrets encrypted with a new KMS key, the default addons, and the identity running Terraform
as cluster admin.

```yaml
cluster:
  name: demo
  region: eu-west-1
```

## A fuller spec

```yaml
apiVersion: ekstf.io/v1alpha1
cluster:
  name: prod
  region: eu-west-1
  version: "1.34"
  endpoint:
    publicCidrs: [203.0.113.0/24]
  accessEntries:
    - principalArn: arn:aws:iam::123456789012:role/platform-admins
      policies:
        - policy: AmazonEKSClusterAdminPolicy
vpc:
  cidr: 10.20.0.0/16
  availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]
  nat: per-az
managedNodeGroups:
  - name: general
    instanceTypes: [m7g.large, m6g.large]
    minSize: 2
    maxSize: 6
  - name: gpu
    instanceTypes: [g5.xlarge]
    minSize: 0
    maxSize: 2
    taints:
      - {key: nvidia.com/gpu, value: "true", effect: NoSchedule}
addons:
  coredns: latest
  kube-proxy: latest
  vpc-cni: latest
  eks-pod-identity-agent: latest
  aws-ebs-csi-driver:
    podIdentity:
      wellKnownPolicies: [ebsCSI]
serviceAccounts:
  - name: external-dns
    namespace: kube-system
    wellKnownPolicies: [externalDNS]
terraform:
  backend:
    type: s3
    bucket: acme-terraform-state
```

## Errors and warnings

Errors stop `generate` and `validate` with exit code 2 and write nothing: unknown keys, wrong types,
invalid or overlapping CIDRs, fewer than two availability zones, `minSize <= desiredSize <= maxSize`
violated, duplicate names, a malformed Kubernetes version, Amazon Linux 2 on Kubernetes 1.33 or later,
ARM instance types with an x86 AMI type (or the reverse), a Fargate selector without a namespace, SSH
open to `0.0.0.0/0` without `allowOpenToWorld: true`. Warnings are printed and do not stop: a
Kubernetes version EKS no longer offers, a public endpoint open to the internet, a spot group with one
instance type.

## Checking a spec

| command | what it does |
| --- | --- |
| `ekstf validate SPEC` | spec checks, then generates into a temporary directory and runs the offline conformance checks (terraform fmt, Terraform's config loader, module interfaces, provider schema); exit 0 ok, 1 conformance failed, 2 bad spec |
| `ekstf validate SPEC --aws` | also asks the AWS account (read-only): AZs offered and opted in, the existing VPC, subnets (in that VPC) and security groups exist, KMS keys exist and are enabled, instance types offered in the node groups' AZs |
| `ekstf validate SPEC --scan` | also runs checkov on the generated repository (install checkov separately; see the README) |
| `ekstf validate SPEC --show-completed` | prints the spec with every default filled in (itself a valid spec) alone on stdout; the report and verdict go to stderr |
| `ekstf validate SPEC --json` | the result as JSON on stdout (problems with file, line, column, key path) |
| `ekstf validate SPEC --spec-only` | the spec checks alone |
| `ekstf schema [-o FILE]` | the JSON Schema (draft 2020-12) |
| `ekstf init [-o FILE] [--name N] [--region R] [--force]` | a commented starter spec; asks for name and region only on a terminal |

## Keys
"""


def spec_reference() -> str:
    """The whole text of docs/spec.md."""
    schema = spec_json_schema()
    defs: dict[str, Any] = schema.get("$defs", {})
    sections: list[str] = []
    _describe_object("(top level)", schema, defs, sections, seen=set())
    return _INTRO + "\n" + "\n".join(sections)


def _describe_object(title: str, node: dict[str, Any], defs: dict[str, Any], out: list[str], seen: set[str]) -> None:
    properties: dict[str, Any] = node.get("properties", {})
    required = set(node.get("required", []))
    lines = [f"### `{title}`", ""]
    if node.get("description") and title != "(top level)":
        lines += [_one_line(node["description"]), ""]
    lines += ["| key | type | default | description |", "| --- | --- | --- | --- |"]
    children: list[tuple[str, str]] = []
    for key, prop in properties.items():
        default = "required" if key in required else _default_text(prop)
        lines.append(f"| `{key}` | {_type_text(prop, defs)} | {default} | {_one_line(prop.get('description', ''))} |")
        for suffix, target in _nested_objects(prop, defs):
            child = f"{key}{suffix}" if title == "(top level)" else f"{title}.{key}{suffix}"
            children.append((child, target))
    out.append("\n".join(lines) + "\n")
    for child_title, ref_name in children:
        if ref_name in seen:
            continue
        _describe_object(child_title, defs[ref_name], defs, out, seen | {ref_name})


def _nested_objects(prop: dict[str, Any], defs: dict[str, Any]) -> list[tuple[str, str]]:
    """(path suffix, $defs name) of the objects a property holds: directly, in a list or as map values."""
    found: list[tuple[str, str]] = []
    for option in _options(prop):
        if "$ref" in option:
            found.append(("", _ref_name(option)))
        elif option.get("type") == "array" and "$ref" in option.get("items", {}):
            found.append(("[]", _ref_name(option["items"])))
        elif option.get("type") == "object" and isinstance(option.get("additionalProperties"), dict):
            for value in _options(option["additionalProperties"]):
                if "$ref" in value:
                    found.append((".<name>", _ref_name(value)))
    return found


def _options(prop: dict[str, Any]) -> list[dict[str, Any]]:
    return list(prop["anyOf"]) if "anyOf" in prop else [prop]


def _ref_name(node: dict[str, Any]) -> str:
    return str(node["$ref"]).rsplit("/", 1)[-1]


def _type_text(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    texts = [_single_type(option, defs) for option in _options(prop) if option.get("type") != "null"]
    return " or ".join(dict.fromkeys(texts)) or "any"


def _single_type(node: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in node:
        return "mapping"
    if "const" in node:
        return f"`{node['const']}`"
    if "enum" in node:
        return " \\| ".join(f"`{value}`" for value in node["enum"])
    kind = node.get("type")
    if kind == "array":
        item = node.get("items", {})
        return f"list of {_single_type(item, defs)}" if item else "list"
    if kind == "object":
        value = node.get("additionalProperties")
        if isinstance(value, dict):
            return f"map of string → {_type_text(value, defs)}"
        return "mapping"
    if kind == "string" and "pattern" in node:
        return f"string (`{node['pattern']}`)".replace("|", "\\|")
    text = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}.get(str(kind), "any")
    bounds = [f"≥ {node['minimum']}" if "minimum" in node else "", f"≤ {node['maximum']}" if "maximum" in node else ""]
    bounds_text = ", ".join(b for b in bounds if b)
    return f"{text} ({bounds_text})" if bounds_text else text


def _default_text(prop: dict[str, Any]) -> str:
    if "default" not in prop:
        return ""
    value = prop["default"]
    if value is None:
        return "unset"
    if isinstance(value, dict) and value and any("$ref" in o for o in _options(prop)):
        return "see below"
    return "`" + json.dumps(value, ensure_ascii=False).replace("|", "\\|") + "`"


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def write_docs(docs_dir: Path) -> list[Path]:
    """Write spec.md and ekstf.schema.json into `docs_dir`; returns the paths written."""
    from generator.fsutil import atomic_write_text

    targets = {docs_dir / "spec.md": spec_reference(), docs_dir / "ekstf.schema.json": schema_text()}
    for path, text in targets.items():
        atomic_write_text(path, text)
    return list(targets)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    for path in write_docs(Path(args[0]) if args else Path("docs")):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
