"""IAM for workloads that IAM and EKS accept (issue 11): well-known IRSA policies with every input they need,
Pod Identity only with its agent."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import hcl2
import pytest
from conftest import shared_path
from fidelity_support import generate, hcl_file, module_args, refused, write_spec

from generator.generate.builders.workload_iam import IRSA_WELL_KNOWN
from generator.spec import catalog

ZONE = "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"


def _irsa(repo: Path, namespace: str, name: str) -> dict[str, Any]:
    module = f"irsa_{namespace.replace('-', '_')}_{name.replace('-', '_')}"
    return module_args(repo, "irsa.tf", module)


def test_external_dns_and_cert_manager_get_hosted_zones(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path,
        f"""\
        serviceAccounts:
          - name: external-dns
            namespace: external-dns
            wellKnownPolicies: [externalDNS]
          - name: cert-manager
            namespace: cert-manager
            wellKnownPolicies: [certManager]
            hostedZoneArns: ["{ZONE}"]
        """,
    )
    from conftest import run_ekstf

    out = tmp_path / "infra"
    result = run_ekstf("generate", spec, "-o", out)
    assert result.returncode == 0, result.output
    # The default (every zone, as eksctl grants) is said out loud, at the key that causes it.
    assert "serviceAccounts[0].wellKnownPolicies: externalDNS may change records in every Route 53 hosted zone" in (
        result.stderr.replace("\n", " ")
    )
    assert _irsa(out, "external-dns", "external-dns")["external_dns_hosted_zone_arns"] == [catalog.ALL_HOSTED_ZONES]
    assert _irsa(out, "cert-manager", "cert-manager")["cert_manager_hosted_zone_arns"] == [ZONE]


def test_empty_or_malformed_hosted_zones_are_refused(tmp_path: Path) -> None:
    result = refused(
        tmp_path,
        """\
        serviceAccounts:
          - name: external-dns
            wellKnownPolicies: [externalDNS]
            hostedZoneArns: []
        """,
    )
    assert "serviceAccounts[0].hostedZoneArns: an empty list gives the policy a statement with no Resource" in (
        result.stderr
    )
    result = refused(
        tmp_path,
        """\
        serviceAccounts:
          - name: external-dns
            wellKnownPolicies: [externalDNS]
            hostedZoneArns: ["arn:aws:s3:::bucket"]
        """,
        command="validate",
    )
    assert "is not a Route 53 hosted zone ARN" in result.stderr
    assert "ekstf.yaml:7:" in result.stderr  # file:line of the bad item


def test_vpc_cni_policy_follows_the_ip_family(tmp_path: Path) -> None:
    repo = generate(
        tmp_path,
        """\
          kubernetesNetwork: {ipFamily: ipv6}
        managedNodeGroups:
          - name: general
        serviceAccounts:
          - name: aws-node
            namespace: kube-system
            wellKnownPolicies: [vpcCNI]
        """,
    )
    args = _irsa(repo, "kube-system", "aws-node")
    assert args.get("vpc_cni_enable_ipv6") is True
    assert "vpc_cni_enable_ipv4" not in args


def _required_companions(policies_tf: Path) -> dict[str, set[str]]:
    """attach_* input → the list inputs its policy document uses as a statement's whole Resource, unguarded (an empty
    list there is a statement without Resource). Read from terraform-aws-iam's own policies.tf."""
    with policies_tf.open(encoding="utf-8") as handle:
        data = hcl2.load(handle)
    required: dict[str, set[str]] = {}
    for block in data.get("data", []):
        for body in block.get('"aws_iam_policy_document"', block.get("aws_iam_policy_document", {})).values():
            attaches = re.findall(r"var\.(attach_\w+_policy)", str(body.get("count", "")))
            lists = set()
            for statement in body.get("statement", []):
                match = re.fullmatch(r"\$\{var\.(\w+)\}", str(statement.get("resources", "")))
                if match:
                    lists.add(match.group(1))
            for attach in attaches:
                required.setdefault(attach, set()).update(lists)
    return required


def test_every_well_known_irsa_policy_sets_the_lists_its_module_policy_needs(tmp_path: Path) -> None:
    """Guard for the class (terraform-aws-iam #603): for each well-known IRSA policy of the catalog, the generated
    module call sets, non-empty, every list the module's policy document uses as a Resource."""
    policies_tf = shared_path(
        "tf-modules", "terraform-aws-iam-6.5.0", "modules", "iam-role-for-service-accounts", "policies.tf"
    )
    required = _required_companions(policies_tf)
    assert required["attach_external_dns_policy"] == {"external_dns_hosted_zone_arns"}  # the reader works
    irsa_policies = [p for p in catalog.WELL_KNOWN_POLICIES if p in IRSA_WELL_KNOWN]
    assert irsa_policies
    body = "serviceAccounts:\n" + "".join(
        f"  - name: sa-{index}\n    wellKnownPolicies: [{policy}]\n" for index, policy in enumerate(irsa_policies)
    )
    repo = generate(tmp_path, "managedNodeGroups:\n  - name: general\n" + body)
    for index, policy in enumerate(irsa_policies):
        args = _irsa(repo, "default", f"sa-{index}")
        attaches = [key for key, value in args.items() if key.startswith("attach_") and value is True]
        assert attaches, policy
        for attach in attaches:
            for companion in sorted(required.get(attach, set())):
                assert args.get(companion), f"{policy}: {attach} needs {companion}"


@pytest.mark.parametrize("policy", sorted(catalog.HOSTED_ZONE_POLICIES))
def test_hosted_zone_policies_are_irsa_policies(policy: str) -> None:
    assert policy in IRSA_WELL_KNOWN


def test_service_account_manifests_carry_namespaces_labels_annotations_and_existing_roles(tmp_path: Path) -> None:
    import yaml

    existing = "arn:aws:iam::111122223333:role/existing-api"
    repo = generate(
        tmp_path,
        f"""\
        managedNodeGroups:
          - name: general
        serviceAccounts:
          - name: api
            namespace: apps
            policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
            labels: {{app.kubernetes.io/name: api}}
            annotations: {{team: payments}}
          - name: reader
            namespace: apps
            roleArn: {existing}
        """,
    )
    documents = list(yaml.safe_load_all((repo / "kubernetes" / "service-accounts.yaml").read_text(encoding="utf-8")))
    documents = [d for d in documents if d]
    assert documents[0] == {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "apps"}}
    api, reader = documents[1:]
    assert api["metadata"]["labels"] == {"app.kubernetes.io/name": "api"}
    assert api["metadata"]["annotations"]["team"] == "payments"
    assert api["metadata"]["annotations"]["eks.amazonaws.com/role-arn"].startswith("ROLE_ARN(")
    assert reader["metadata"]["annotations"] == {"eks.amazonaws.com/role-arn": existing}
    modules = [next(iter(b)) for b in hcl_file(repo / "irsa.tf")["module"]]
    assert modules == ["irsa_apps_api"]  # no role is created for the existing one
    outputs = (repo / "outputs.tf").read_text(encoding="utf-8")
    assert re.search(r'kind\s+= "Namespace"', outputs) and existing in outputs
