"""Write the migrated spec as YAML: stable key order, a header saying where it came from, readable scripts."""

from __future__ import annotations

import io
import re
from typing import Any

TOP_LEVEL_ORDER = (
    "apiVersion",
    "cluster",
    "vpc",
    "managedNodeGroups",
    "nodeGroups",
    "fargateProfiles",
    "karpenter",
    "addons",
    "serviceAccounts",
    "podIdentities",
    "terraform",
)
# Words YAML 1.1 readers (kubectl, PyYAML) take for booleans or null: quoted so every reader sees text.
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})
# A literal block (`|`) shows a script as written, but holds only printable text: YAML readers refuse control
# characters there and fold \r, NEL and the Unicode line separators into plain newlines. Anything else is quoted.
_BLOCK_SAFE = re.compile(r"[^\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]*")
# ruamel writes these raw in plain and single-quoted scalars, where YAML readers fold them into a space:
# only double quotes (\N, \L, \P) keep them.
_LINE_SEPARATORS = re.compile("[\x85\u2028\u2029]")
_SECTION_COMMENTS = {
    "vpc": "Network (eksctl vpc / availabilityZones)",
    "managedNodeGroups": "eksctl managedNodeGroups",
    "nodeGroups": "eksctl nodeGroups (self-managed Auto Scaling groups)",
    "fargateProfiles": "eksctl fargateProfiles",
    "addons": "EKS addons (eksctl addons + its default addons)",
    "serviceAccounts": "IRSA roles (eksctl iam.serviceAccounts and node addon policies moved to IRSA)",
    "podIdentities": "eksctl iam.podIdentityAssociations",
}


def spec_yaml(spec: dict[str, Any], header: list[str]) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    ordered = CommentedMap()
    for key in TOP_LEVEL_ORDER:
        if key in spec:
            ordered[key] = _prepared(spec[key])
    for key in spec:
        if key not in ordered:
            ordered[key] = _prepared(spec[key])
    for key, comment in _SECTION_COMMENTS.items():
        if key in ordered:
            ordered.yaml_set_comment_before_after_key(key, before=comment, indent=0)
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    yaml.dump(ordered, buffer)
    head = "".join(f"# {line}\n" if line else "#\n" for line in header)
    return head + buffer.getvalue()


def _prepared(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString, SingleQuotedScalarString

    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[_key(str(key))] = _prepared(item)
        return mapping
    if isinstance(value, list):
        return CommentedSeq([_prepared(v) for v in value])
    if isinstance(value, str) and "\n" in value.rstrip("\n") and _BLOCK_SAFE.fullmatch(value):
        return LiteralScalarString(value)
    if isinstance(value, str) and _LINE_SEPARATORS.search(value):
        return DoubleQuotedScalarString(value)
    if isinstance(value, str) and value.lower() in _YAML11_WORDS:
        return SingleQuotedScalarString(value)
    if isinstance(value, float):
        return float(value)
    return value


def _key(key: str) -> str:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(key) if _LINE_SEPARATORS.search(key) else key
