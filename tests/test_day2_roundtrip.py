"""Round-trip spec editing: on every example and in every indentation style, the stage edits touch only their
own lines, and control-plane + nodes together leave the file as it was but for `cluster.version`."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from conftest import EXAMPLES

from generator.day2.roundtrip import SpecDocument, guess_indentation
from generator.day2.upgrade import plan_upgrade, run_stage

SPECS = sorted(EXAMPLES.glob("*/ekstf.yaml"))


def _with_version(text: str, version: str) -> str:
    if re.search(r"^  version: ", text, flags=re.M):
        return re.sub(r"^  version: .*$", f'  version: "{version}"', text, count=1, flags=re.M)
    return re.sub(r"^(  region: .*)$", rf'\1\n  version: "{version}"', text, count=1, flags=re.M)


@pytest.mark.parametrize("example", SPECS, ids=lambda p: p.parent.name)
def test_control_plane_then_nodes_restores_every_line(example: Path, tmp_path: Path) -> None:
    spec = tmp_path / "ekstf.yaml"
    original = _with_version(example.read_text(encoding="utf-8"), "1.33")
    spec.write_text(original, encoding="utf-8")
    run_stage(plan_upgrade(spec, "1.34"), "control-plane", out_dir=None, live=None)
    staged = spec.read_text()
    added = [line for line in staged.splitlines() if line not in original.splitlines()]
    assert added[0] == '  version: "1.34"'
    assert all(line.strip().startswith('version: "1.33"  # pinned by ekstf upgrade') for line in added[1:])
    loaded = SpecDocument.load(spec)
    assert len(added) - 1 == len(loaded.groups())  # one pin per node group, nothing else
    run_stage(plan_upgrade(spec, "1.34"), "nodes", out_dir=None, live=None)
    assert spec.read_text() == original.replace('version: "1.33"', 'version: "1.34"', 1)


STYLES = list(itertools.product((2, 4), (0, 2)))


def _styled(mapping: int, offset: int) -> str:
    """One spec written with a mapping indent and a dash offset, with comments everywhere."""
    m, o = " " * mapping, " " * offset
    item = " " * (offset + 2)
    return (
        "# header comment\n"
        "cluster:  # the cluster\n"
        f"{m}name: styled\n"
        f"{m}region: eu-west-1\n"
        f'{m}version: "1.33"\n'
        "\n"
        "# the node groups\n"
        "managedNodeGroups:\n"
        f"{o}- name: first  # on the name\n"
        f"{item}instanceTypes: [m6i.large]\n"
        f"{item}# before the labels\n"
        f"{item}labels:\n"
        f"{item}{m}team: a\n"
        f"{o}- name: second\n"
        f"{item}minSize: 1\n"
        "addons:\n"
        f"{m}coredns: v1.11.4-eksbuild.33\n"
        f"{m}kube-proxy: latest\n"
    )


@pytest.mark.parametrize(("mapping", "offset"), STYLES, ids=[f"indent{m}-offset{o}" for m, o in STYLES])
def test_every_indentation_style_round_trips_and_edits_in_place(mapping: int, offset: int, tmp_path: Path) -> None:
    text = _styled(mapping, offset)
    assert guess_indentation(text) == (mapping, offset + 2, offset)
    spec = tmp_path / "ekstf.yaml"
    spec.write_text(text, encoding="utf-8")
    document = SpecDocument.load(spec)
    assert document.dump() == text
    run_stage(plan_upgrade(spec, "1.34"), "all", out_dir=None, live=None)
    edited = spec.read_text()
    expected = text.replace('version: "1.33"', 'version: "1.34"').replace(
        "coredns: v1.11.4-eksbuild.33", "coredns: v1.13.2-eksbuild.4"
    )
    assert edited == expected
