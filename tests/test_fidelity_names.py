"""Terraform identifiers and AWS names derived from spec names never clash (issue 11: "Duplicate module call")."""

from __future__ import annotations

import re
from pathlib import Path

from fidelity_support import refused
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import UserInputError
from generator.generate.render import render_repo
from generator.spec.loader import load_spec_text

_BLOCK = re.compile(r'^(module|resource|data) "([^"]+)"(?: "([^"]+)")? \{', re.MULTILINE)


def test_service_account_in_serviceaccounts_and_an_addon_is_refused_before_writing(tmp_path: Path) -> None:
    """eksctl configs list the EBS CSI role in iam.serviceAccounts and in the addon's wellKnownPolicies."""
    result = refused(
        tmp_path,
        """\
        managedNodeGroups:
          - name: general
        addons:
          vpc-cni: latest
          coredns: latest
          kube-proxy: latest
          eks-pod-identity-agent: latest
          aws-ebs-csi-driver:
            irsa: {wellKnownPolicies: [ebsCSI]}
        serviceAccounts:
          - name: ebs-csi-controller-sa
            namespace: kube-system
            wellKnownPolicies: [ebsCSI]
        """,
    )
    assert (
        "ekstf.yaml:12:5: error: addons.aws-ebs-csi-driver.irsa: the module `irsa_kube_system_ebs_csi_controller_sa` "
        "ekstf derives from this entry is also derived from serviceAccounts[0] (line 14)"
    ) in " ".join(result.stderr.split())


def test_names_equal_after_normalisation_are_refused(tmp_path: Path) -> None:
    result = refused(
        tmp_path,
        """\
        nodeGroups:
          - name: web-a
          - name: web_a
        """,
        command="validate",
    )
    assert "nodeGroups[1].name: the launch template" not in result.stderr  # tf_id keeps `-`/`_` apart
    assert "nodeGroups[1].name: the module `user_data_web_a`" in result.stderr


def _declared_blocks(files: dict[str, bytes]) -> list[tuple[str, ...]]:
    blocks: list[tuple[str, ...]] = []
    for path, content in files.items():
        if path.endswith(".tf") and not path.startswith("modules/"):
            blocks += [tuple(part for part in match if part) for match in _BLOCK.findall(content.decode())]
    return blocks


# Names that differ only in `-`, `_` and `.`, which Terraform identifiers cannot all keep apart.
_NAME = st.builds(
    lambda first, middle, last: first + middle + last,
    st.sampled_from("ab"),
    st.text(alphabet="ab-_.", max_size=2),
    st.sampled_from("ab"),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups=st.lists(_NAME, min_size=1, max_size=3), accounts=st.lists(_NAME, min_size=0, max_size=3))
def test_a_spec_ekstf_accepts_never_declares_a_block_twice(groups: list[str], accounts: list[str]) -> None:
    """Guard for the class: whatever names the spec uses, either validation refuses them or every module, resource
    and data block of the generated repository is declared once."""
    text = "cluster: {name: fid, region: eu-west-1}\n"
    node_groups = [g for g in groups if re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9_-]*", g)]
    if node_groups:
        text += "nodeGroups:\n" + "".join(
            f"  - name: '{g}'\n    ssh: {{keyName: k, sourceCidrs: [10.0.0.0/8]}}\n" for g in node_groups
        )
    else:
        text += "managedNodeGroups:\n  - name: general\n"
    accounts = [a for a in accounts if "_" not in a]  # Kubernetes names have no `_`
    if accounts:
        text += "serviceAccounts:\n" + "".join(
            f"  - name: '{a}'\n    policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n" for a in accounts
        )
    try:
        spec = load_spec_text(text).spec
    except UserInputError:
        return
    blocks = _declared_blocks(render_repo(spec))
    assert len(blocks) == len(set(blocks)), sorted(b for b in blocks if blocks.count(b) > 1)
