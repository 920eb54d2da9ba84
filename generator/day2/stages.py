"""The three stages of one upgrade step as edits of the user's spec (round-trip: comments and order kept).

1. control-plane: `cluster.version` → N+1; every node group without a `version` is pinned at N (marked with a
   comment) so that its nodes do not roll with the control plane.
2. nodes: each group behind the control plane moves to it: a pin ekstf wrote is removed (the group follows
   `cluster.version` again), a version the user wrote is set to the control plane's.
3. addons: addons pinned to an exact version move to the default for the control plane's version (the shipped
   catalog, or EKS with --aws); `latest` addons follow the control plane on their own (module most_recent).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ruamel.yaml.comments import CommentedMap

from generator.day2.findings import Finding
from generator.day2.preflight import LiveFacts, pinned_addons
from generator.day2.roundtrip import SpecDocument, eol_comment_first_line, set_key, version_text
from generator.day2.versions import addon_default, minor_of
from generator.spec.models import Spec

PIN_MARK = "pinned by ekstf upgrade"
PIN_COMMENT = f"# {PIN_MARK}; `ekstf upgrade --stage nodes` moves it"


@dataclass
class StageEdit:
    """What a stage changed in the spec (human-readable lines) and what it could not do."""

    stage: str
    document: SpecDocument
    changes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def group_version(group: CommentedMap, cluster_version: str) -> str:
    value = group.get("version")
    return str(value) if value is not None else cluster_version


def edit_control_plane(document: SpecDocument, spec: Spec) -> StageEdit:
    """cluster.version N → N+1, node groups pinned at N."""
    source = spec.cluster.version
    target = f"1.{minor_of(source) + 1}"
    edit = StageEdit("control-plane", document)
    cluster = document.data.get("cluster")
    if not isinstance(cluster, CommentedMap):  # the spec loaded, so this is a mapping; keep mypy honest
        return edit
    set_key(cluster, "version", version_text(target), after="region")
    edit.changes.append(f"cluster.version: {source} → {target}")
    for section, index, group in document.groups():
        if "version" in group:
            edit.changes.append(f"{section}[{index}] ({group.get('name')}): stays at its version {group['version']}")
            continue
        set_key(group, "version", version_text(source), after="name", comment=PIN_COMMENT)
        edit.changes.append(f"{section}[{index}].version: pinned at {source} ({group.get('name')})")
    return edit


def edit_nodes(document: SpecDocument, spec: Spec) -> StageEdit:
    """Every group behind the control plane moves to its version."""
    control_plane = spec.cluster.version
    edit = StageEdit("nodes", document)
    behind = [
        (section, index, group)
        for section, index, group in document.groups()
        if minor_of(group_version(group, control_plane)) < minor_of(control_plane)
    ]
    lines = document.original.splitlines(keepends=True)
    marked = [
        (s, i, g)
        for s, i, g in behind
        if PIN_MARK in eol_comment_first_line(g, "version")
        and lines[int(g.lc.key("version")[0])].lstrip().startswith("version:")  # block style: one key per line
    ]
    # ekstf's own pins go as whole lines (their comments with them), bottom up so line numbers stay valid.
    if marked:
        for section, index, group in marked:
            edit.changes.append(
                f"{section}[{index}].version: pin at {group['version']} removed, follows cluster.version "
                f"{control_plane} ({group.get('name')})"
            )
        for line in sorted((int(g.lc.key("version")[0]) for _, _, g in marked), reverse=True):
            del lines[line]
        document = SpecDocument.from_text(document.path, "".join(lines))
        edit.document = document
    marked_names = {str(g.get("name")) for _, _, g in marked}
    for section, index, group in document.groups():
        if str(group.get("name")) in marked_names or "version" not in group:
            continue
        old = str(group["version"])
        if minor_of(old) < minor_of(control_plane):
            set_key(group, "version", version_text(control_plane))
            edit.changes.append(f"{section}[{index}].version: {old} → {control_plane} ({group.get('name')})")
    return edit


def edit_addons(document: SpecDocument, spec: Spec, live: LiveFacts | None) -> StageEdit:
    """Pinned addons → the default version for the control plane's Kubernetes version."""
    control_plane = spec.cluster.version
    edit = StageEdit("addons", document)
    addons = document.data.get("addons")
    for name, current in pinned_addons(spec).items():
        offer = live.addons.get(name) if live is not None else None
        default = offer.default if offer is not None and offer.default else addon_default(name, control_plane)
        if default is None:
            edit.findings.append(
                Finding(
                    "warning",
                    "addon-default-unknown",
                    f"no default version of {name} for Kubernetes {control_plane} is known offline; kept {current}",
                    fix="run with --aws to use the version EKS recommends, or set the version (or `latest`) yourself",
                    subject=f"addons.{name}.version",
                )
            )
            continue
        if default == current or not isinstance(addons, CommentedMap):
            continue
        value = addons.get(name)
        if isinstance(value, CommentedMap):
            value["version"] = _same_style(value.get("version"), default)
        else:
            addons[name] = _same_style(value, default)
        edit.changes.append(f"addons.{name}.version: {current} → {default}")
    return edit


def _same_style(old: object, new: str) -> object:
    """The new scalar quoted the way the old one was."""
    if isinstance(old, str) and type(old) is not str:
        return type(old)(new)
    return new
