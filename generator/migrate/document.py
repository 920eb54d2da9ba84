"""Load an eksctl ClusterConfig: YAML with positions, kind/apiVersion checks, key-case repair, nulls, deprecations.

The result is plain data keyed by eksctl's own YAML keys, ready for the field mappers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import Problem, SourceLocation, UserInputError
from generator.migrate import schema
from generator.migrate.merge_keys import is_duplicate_merge_key, load_with_repeated_merge_keys
from generator.migrate.placeholders import substitute
from generator.migrate.report import Report
from generator.spec.positions import KeyPath, LoadedYaml, did_you_mean, format_key_path, load_yaml, load_yaml_file

API_VERSION = "eksctl.io/v1alpha5"
KIND = "ClusterConfig"

# Deprecated eksctl fields: (key path pattern with "*" for any index/name) → what to do instead.
DEPRECATED: dict[tuple[str, ...], str] = {
    ("*", "*", "iam", "withAddonPolicies", "albIngress"): "deprecated in eksctl: use awsLoadBalancerController",
    ("*", "*", "ssh", "enableSsm"): "deprecated in eksctl: SSM access is always on (AmazonSSMManagedInstanceCore)",
    ("gitops",): "deprecated in eksctl (Flux bootstrap was removed): bootstrap Flux with the flux CLI",
    ("git",): "removed from eksctl (use `flux bootstrap`)",
    (
        "iam",
        "vpcResourceControllerPolicy",
    ): "deprecated in eksctl: the cluster role always has AmazonEKSVPCResourceController",
    ("*", "*", "containerRuntime"): "deprecated in eksctl: containerd is the only runtime",
}


@dataclass
class EksctlDocument:
    """A loaded ClusterConfig: repaired data, where each key was written, and the report being filled."""

    data: dict[str, Any]
    loaded: LoadedYaml
    report: Report

    def get(self, path: KeyPath) -> Any:
        node: Any = self.data
        for part in path:
            if isinstance(part, int):
                if not isinstance(node, list) or not 0 <= part < len(node):
                    return None
                node = node[part]
            else:
                if not isinstance(node, dict) or part not in node:
                    return None
                node = node[part]
        return node


def load_document(
    path: Path | None = None,
    text: str | None = None,
    sets: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    file: str = "cluster.yaml",
    allow_secret_env: frozenset[str] = frozenset(),
) -> EksctlDocument:
    """`env` holds only the variables the user named (never the whole environment)."""
    if text is None and path is None:
        raise UserInputError("no ClusterConfig given")
    merge_notes: list[str] = []
    try:
        loaded = load_yaml(text, file) if text is not None else load_yaml_file(path) if path else None
    except UserInputError as error:
        if not is_duplicate_merge_key(error):
            raise
        source = text if text is not None else path.read_text(encoding="utf-8") if path else ""
        loaded, merge_notes = load_with_repeated_merge_keys(source, file if text is not None else str(path))
    if loaded is None:
        raise UserInputError("no ClusterConfig given")
    data = loaded.data
    if not isinstance(data, dict):
        kind = "an empty file" if data is None else f"a {type(data).__name__}"
        raise UserInputError(
            Problem(
                f"expected an eksctl ClusterConfig mapping, found {kind}",
                SourceLocation(loaded.file, 1, 1),
                expected=f"apiVersion: {API_VERSION}, kind: {KIND}, metadata: {{name, region}}",
            )
        )
    _refuse_non_finite(data, loaded)
    report = Report(source=loaded.file, loaded=loaded)
    for note in merge_notes:
        report.warn(note)
    _check_header(data, loaded, report)
    repaired = _repair(data, (), schema.ROOT, loaded, report)
    repaired = substitute(repaired, sets or {}, env or {}, report, allow_secret_env)
    return EksctlDocument(data=repaired, loaded=loaded, report=report)


def _refuse_non_finite(data: Any, loaded: LoadedYaml) -> None:
    """eksctl converts YAML to JSON, which has no NaN or infinity: such a number anywhere fails `eksctl create`."""
    problems = []
    for path, value in _numbers(data, ()):
        if not math.isfinite(value):
            problems.append(
                Problem(
                    f"invalid value {'.nan' if math.isnan(value) else '.inf' if value > 0 else '-.inf'}",
                    loaded.location(path),
                    format_key_path(path),
                    expected="a finite number (JSON, and so eksctl, has no NaN or infinity)",
                    hint='quote it if you mean the text, e.g. ".inf"',
                )
            )
    if problems:
        raise UserInputError(problems[:20])


def _numbers(node: Any, path: KeyPath) -> Iterator[tuple[KeyPath, float]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _numbers(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _numbers(value, (*path, index))
    elif isinstance(node, float):
        yield path, node


def _check_header(data: dict[str, Any], loaded: LoadedYaml, report: Report) -> None:
    kind = data.get("kind")
    if kind != KIND:
        raise UserInputError(
            Problem(
                f"not an eksctl ClusterConfig (kind: {kind!r})",
                loaded.location(("kind",)),
                "kind",
                expected=KIND,
                hint="ekstf migrate reads the file you pass to `eksctl create cluster -f`",
            )
        )
    api_version = data.get("apiVersion")
    if api_version != API_VERSION:
        if isinstance(api_version, str) and api_version.startswith("eksctl.io/"):
            report.warn(f"apiVersion {api_version} is not {API_VERSION}; read as {API_VERSION}")
        else:
            raise UserInputError(
                Problem(
                    f"unsupported apiVersion {api_version!r}",
                    loaded.location(("apiVersion",)),
                    "apiVersion",
                    expected=API_VERSION,
                )
            )
    report.mapped(("apiVersion",), "apiVersion", "ekstf.io/v1alpha1")
    report.mapped(("kind",), "", "an ekstf spec has no kind")


def _repair(node: Any, path: KeyPath, type_ref: schema.TypeRef | None, loaded: LoadedYaml, report: Report) -> Any:
    """Fix key case, drop nulls (reported), report unknown and deprecated keys; keep everything else as is."""
    if type_ref is None or type_ref.kind == schema.FREE:
        return node
    if isinstance(node, list):
        items: list[Any] = []
        for index, item in enumerate(node):
            if item is None:
                report.approximated((*path, index), "", "null list item ignored")
                continue
            items.append(_repair(item, (*path, len(items)), schema.child_type(type_ref, index), loaded, report))
        return items
    if not isinstance(node, dict):
        return node
    if type_ref.kind == schema.MAP:
        return {k: _repair(v, (*path, k), type_ref.item, loaded, report) for k, v in node.items()}
    if type_ref.kind != schema.STRUCT:
        return node
    known = schema.struct_keys(type_ref.name)
    lowered: dict[str, list[str]] = {}
    for key in known:
        lowered.setdefault(key.lower(), []).append(key)
    result: dict[str, Any] = {}
    for key, value in node.items():
        target = key
        if key not in known:
            candidates = lowered.get(key.lower(), [])
            if len(candidates) == 1 and candidates[0] not in node:
                target = candidates[0]
                report.warn(
                    f"{loaded.location((*path, key))}: `{format_key_path((*path, key))}` is spelled `{target}` in eksctl; "
                    "read as that (keys are case-sensitive)"
                )
                _move_positions(loaded, (*path, key), (*path, target))
            elif not _is_deprecated((*path, key)):
                hint = did_you_mean(key, known)
                report.unsupported(
                    (*path, key), f"unknown field: not in eksctl's ClusterConfig schema{'; ' + hint if hint else ''}"
                )
                result[key] = value
                continue
        child_path = (*path, target)
        if _is_deprecated(child_path):
            report.warn(f"{loaded.location(child_path)}: `{format_key_path(child_path)}` {_deprecation(child_path)}")
        if value is None:
            report.defaulted(child_path, "", "null: treated as omitted")
            continue
        result[target] = _repair(value, child_path, schema.child_type(type_ref, target), loaded, report)
    return result


def _move_positions(loaded: LoadedYaml, old: KeyPath, new: KeyPath) -> None:
    for key in [k for k in loaded.positions if k[: len(old)] == old]:
        loaded.positions[(*new, *key[len(old) :])] = loaded.positions[key]


def _matches(path: KeyPath, pattern: tuple[str, ...]) -> bool:
    return len(path) == len(pattern) and all(p == "*" or p == str(part) for part, p in zip(path, pattern, strict=True))


def _is_deprecated(path: KeyPath) -> bool:
    return any(_matches(path, pattern) for pattern in DEPRECATED)


def _deprecation(path: KeyPath) -> str:
    return next(message for pattern, message in DEPRECATED.items() if _matches(path, pattern))
