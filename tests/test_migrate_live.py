"""`ekstf migrate --from-cluster` against a real moto_server seeded like `eksctl create cluster` left it.

moto 5.x implements EKS clusters, node groups and Fargate profiles, IAM, EC2, CloudFormation and CloudWatch Logs,
but not the EKS addon, access-entry and Pod Identity APIs (its server answers 404): the moto test checks that
migration says so and goes on, and `test_discovery_with_recorded_eks_responses` covers those code paths with
recorded EKS responses (botocore Stubber) while everything else still comes from moto.
"""

from __future__ import annotations

import datetime
import http.server
import json
import re
import threading
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from conftest import MotoServer, run_ekstf
from migrate_support import CLUSTER, REGION, Seeded, seed_eksctl_cluster

from generator.errors import ToolError, UserInputError
from generator.generate import names
from generator.migrate.aws import call, make_clients
from generator.migrate.discovery import discover
from generator.migrate.live import migration_from
from generator.migrate.live_spec import imports_tf
from generator.spec.loader import load_spec, load_spec_text

_IMPORT = re.compile(r'import \{\n  to = (?P<to>[^\n]+)\n  id = "(?P<id>[^"]*)"\n\}')


def _imports(text: str) -> dict[str, str]:
    return {m.group("to"): m.group("id") for m in _IMPORT.finditer(text)}


@pytest.fixture
def seeded(aws: MotoServer) -> Seeded:
    return seed_eksctl_cluster(boto3.session.Session(region_name=REGION))


def test_live_migration_through_the_cli(seeded: Seeded, tmp_path: Path) -> None:
    planted = "PLANTEDsecretKEY0123456789"  # moto takes any secret key; it must not reach any output
    result = run_ekstf(
        "migrate", "--from-cluster", CLUSTER, "--region", REGION,
        "-o", tmp_path / "ekstf.yaml", "--imports", tmp_path / "repo" / "imports.tf",
        "--runbook", tmp_path / "MIGRATION.md", "--report", tmp_path / "report.md",
        env={"AWS_SECRET_ACCESS_KEY": planted},
    )  # fmt: skip
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output
    assert planted not in result.output
    for written in ("ekstf.yaml", "repo/imports.tf", "MIGRATION.md", "report.md"):
        assert planted not in (tmp_path / written).read_text(encoding="utf-8"), written
    # moto lacks these APIs: migration says so instead of failing.
    assert "could not read addons" in result.stderr and "could not read access entries" in result.stderr

    spec = load_spec(tmp_path / "ekstf.yaml").spec
    cluster = spec.cluster
    assert (cluster.name, cluster.region, cluster.version) == (CLUSTER, REGION, "1.33")
    assert cluster.tags == {"team": "platform"}  # eksctl's own tags dropped
    assert cluster.service_role_arn == seeded.cluster_role_arn
    assert cluster.logging.types == ["api", "audit"] and cluster.logging.retention_days == 30
    assert (cluster.endpoint.public, cluster.endpoint.private) == (True, False)
    assert cluster.creator_admin is False
    assert spec.vpc.id == seeded.vpc_id
    assert sorted(spec.vpc.private_subnet_ids) == sorted(seeded.private_subnets)
    assert sorted(spec.vpc.public_subnet_ids) == sorted(seeded.public_subnets)
    assert sorted(spec.vpc.control_plane_subnet_ids) == sorted(seeded.public_subnets + seeded.private_subnets)
    assert spec.vpc.security_group_ids == [seeded.security_group]
    (group,) = spec.managed_node_groups
    assert (group.name, group.instance_types, group.min_size, group.max_size, group.desired_size) == (
        "ng-1", ["m5.large"], 2, 4, 3,
    )  # fmt: skip
    assert group.launch_template is not None and group.launch_template.id == seeded.launch_template_id
    assert group.iam.role_arn == seeded.node_role_arn
    assert sorted(group.subnets) == sorted(seeded.private_subnets)
    assert [(t.key, t.value, t.effect) for t in group.taints] == [("dedicated", "gpu", "NoSchedule")]
    (profile,) = spec.fargate_profiles
    assert profile.pod_execution_role_arn == seeded.fargate_role_arn
    assert [s.namespace for s in profile.selectors] == ["default", "batch"]
    (account,) = spec.service_accounts
    assert (account.namespace, account.name, account.role_name) == (
        "kube-system", "aws-load-balancer-controller", seeded.irsa_role_name,
    )  # fmt: skip
    assert account.policy_arns == [seeded.policy_arn]

    imports = _imports((tmp_path / "repo" / "imports.tf").read_text(encoding="utf-8"))
    assert imports == {
        names.CLUSTER_ADDRESS: CLUSTER,
        names.CLUSTER_LOG_GROUP_ADDRESS: f"/aws/eks/{CLUSTER}/cluster",
        names.OIDC_PROVIDER_ADDRESS: seeded.oidc_provider_arn,
        names.managed_node_group_address("ng-1"): f"{CLUSTER}:ng-1",
        names.fargate_profile_address("fp-default"): f"{CLUSTER}:fp-default",
        names.irsa_role_address("kube-system", "aws-load-balancer-controller"): seeded.irsa_role_name,
    }

    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    node_role = seeded.node_role_arn.rsplit("/", 1)[-1]
    assert f"| `iam.roles.{node_role}` |  | mapped |  | kept by reference; attached policies: demo-s3-read |" in report
    assert "| `cloudformation.eksctl-demo-cluster` |" in report

    runbook = (tmp_path / "MIGRATION.md").read_text(encoding="utf-8")
    stacks = [
        f"eksctl-{CLUSTER}-nodegroup-ng-1",
        f"eksctl-{CLUSTER}-addon-iamserviceaccount-kube-system-aws-load-balancer-controller",
        f"eksctl-{CLUSTER}-cluster",
    ]
    for stack in stacks:
        assert f"aws cloudformation delete-stack --region {REGION} --stack-name {stack}" in runbook
    retire = runbook.index("## 6.")
    assert runbook.index(f"--stack-name {stacks[0]}", retire) < runbook.index(f"--stack-name {stacks[2]}", retire)
    assert '"DeletionPolicy": "Retain"' in runbook
    for command in (
        f"ekstf generate {tmp_path / 'ekstf.yaml'} -o {tmp_path / 'repo'}",
        f"ekstf plan -C {tmp_path / 'repo'}",
        "--fail-on replace",
        f"ekstf apply -C {tmp_path / 'repo'}",
    ):
        assert command in runbook
    steps = [int(n) for n in re.findall(r"^## (\d)\.", runbook, re.MULTILINE)]
    assert steps == sorted(steps) and len(steps) >= 7

    # The addresses exist in the repository ekstf generates from the spec.
    generated = run_ekstf("generate", tmp_path / "ekstf.yaml", "-o", tmp_path / "repo")
    assert generated.returncode == 0, generated.output
    repo_text = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "repo").glob("*.tf"))
    assert f'module "{names.irsa_module("kube-system", "aws-load-balancer-controller")}"' in repo_text
    assert re.search(r"^\s+ng-1 = \{", repo_text, re.MULTILINE)
    assert re.search(r"^\s+fp-default = \{", repo_text, re.MULTILINE)
    assert (tmp_path / "repo" / "imports.tf").exists()


def test_unknown_cluster_and_missing_credentials_exit_2(aws: MotoServer, tmp_path: Path) -> None:
    missing = run_ekstf("migrate", "--from-cluster", "nope", "--region", REGION, "-o", tmp_path / "e.yaml")
    assert missing.returncode == 2, missing.output
    assert "no EKS cluster named 'nope' in us-east-1" in missing.stderr
    no_credentials = run_ekstf(
        "migrate", "--from-cluster", "demo", "--region", REGION, "-o", tmp_path / "e.yaml",
        env={
            "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "",
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"), "AWS_CONFIG_FILE": str(tmp_path / "none"),
            "AWS_EC2_METADATA_DISABLED": "true",
        },
    )  # fmt: skip
    assert no_credentials.returncode == 2, no_credentials.output
    assert "no AWS credentials found" in no_credentials.stderr
    assert "Traceback" not in missing.output + no_credentials.output
    assert not (tmp_path / "e.yaml").exists()
    no_region = run_ekstf("migrate", "--from-cluster", "demo", "-o", tmp_path / "e.yaml")
    assert no_region.returncode == 2 and "--region" in no_region.stderr


def test_throttling_is_retried_with_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real HTTP endpoint that throttles twice, then answers: the call succeeds after retries."""
    requests: list[str] = []

    class Throttling(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            throttled = len(requests) <= 2
            body = json.dumps({"message": "Rate exceeded"} if throttled else {"addons": ["coredns"]}).encode()
            self.send_response(400 if throttled else 200)
            if throttled:
                self.send_header("x-amzn-ErrorType", "ThrottlingException")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Throttling)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.server_address[1]}")
        session = boto3.session.Session(region_name=REGION, aws_access_key_id="a", aws_secret_access_key="b")
        clients = make_clients(REGION, session)
        assert clients.eks.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 10}
        response = call("eks:ListAddons", clients.eks.list_addons, clusterName="demo")
    finally:
        server.shutdown()
    assert response["addons"] == ["coredns"]
    assert len(requests) == 3


@pytest.mark.parametrize(
    ("code", "error", "text"),
    [
        ("AccessDeniedException", ToolError, "AWS denied eks:ListAddons (AccessDeniedException)"),
        ("ThrottlingException", ToolError, "kept throttling eks:ListAddons"),
        ("ExpiredTokenException", UserInputError, "AWS rejected the credentials"),
        ("ServerException", ToolError, "eks:ListAddons failed (ServerException)"),
    ],
)
def test_aws_errors_become_ekstf_errors(code: str, error: type[Exception], text: str) -> None:
    eks = boto3.client("eks", region_name=REGION, aws_access_key_id="a", aws_secret_access_key="b")
    with Stubber(eks) as stub:
        stub.add_client_error("list_addons", service_error_code=code, service_message="nope", http_status_code=400)
        with pytest.raises(error) as raised:
            call("eks:ListAddons", eks.list_addons, clusterName="x")
    rendered = raised.value.render() if hasattr(raised.value, "render") else str(raised.value)
    assert text in rendered


def _recorded_eks(seeded: Seeded) -> tuple[Any, Stubber]:
    """Recorded responses of the EKS APIs moto lacks, for a cluster in the seeded VPC."""
    eks = boto3.client("eks", region_name=REGION)
    stub = Stubber(eks)
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    admin = "arn:aws:iam::123456789012:role/platform/Admin"
    viewer_policy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
    admin_policy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
    cluster = {
        "name": CLUSTER,
        "arn": f"arn:aws:eks:{REGION}:123456789012:cluster/{CLUSTER}",
        "version": "1.32",
        "roleArn": seeded.cluster_role_arn,
        "resourcesVpcConfig": {
            "vpcId": seeded.vpc_id,
            "subnetIds": seeded.private_subnets,
            "securityGroupIds": [seeded.security_group],
            "endpointPublicAccess": True,
            "endpointPrivateAccess": True,
            "publicAccessCidrs": ["203.0.113.0/24"],
        },
        "identity": {"oidc": {"issuer": "https://" + seeded.oidc_provider_arn.split(":oidc-provider/")[1]}},
        "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"},
        "encryptionConfig": [
            {"resources": ["secrets"], "provider": {"keyArn": f"arn:aws:kms:{REGION}:123456789012:key/k"}}
        ],
        "status": "ACTIVE",
    }
    responses: list[tuple[str, dict[str, Any]]] = [
        ("describe_cluster", {"cluster": cluster}),
        ("list_nodegroups", {"nodegroups": []}),
        ("list_fargate_profiles", {"fargateProfileNames": []}),
        ("list_addons", {"addons": ["coredns", "vpc-cni"]}),
        ("describe_addon", {"addon": {"addonName": "coredns", "clusterName": CLUSTER, "addonVersion": "v1.11.4-eksbuild.2",
                                      "configurationValues": '{"replicaCount": 3}'}}),
        ("describe_addon", {"addon": {"addonName": "vpc-cni", "clusterName": CLUSTER, "addonVersion": "v1.19.2-eksbuild.1",
                                      "serviceAccountRoleArn": "arn:aws:iam::123456789012:role/cni"}}),
        ("list_access_entries", {"accessEntries": [admin]}),
        ("describe_access_entry", {"accessEntry": {"clusterName": CLUSTER, "principalArn": admin, "type": "STANDARD",
                                                   "kubernetesGroups": ["ops"], "createdAt": now}}),
        ("list_associated_access_policies", {"clusterName": CLUSTER, "principalArn": admin, "associatedAccessPolicies": [
            {"policyArn": admin_policy, "accessScope": {"type": "cluster"}},
            {"policyArn": viewer_policy, "accessScope": {"type": "namespace", "namespaces": ["dev"]}},
        ]}),
        ("list_pod_identity_associations", {"associations": [{"clusterName": CLUSTER, "namespace": "apps",
                                                              "serviceAccount": "web", "associationId": "a-abc123"}]}),
        ("describe_pod_identity_association", {"association": {
            "clusterName": CLUSTER, "namespace": "apps", "serviceAccount": "web", "associationId": "a-abc123",
            "roleArn": "arn:aws:iam::123456789012:role/web", "targetRoleArn": "arn:aws:iam::444455556666:role/b"}}),
    ]  # fmt: skip
    for operation, response in responses:
        stub.add_response(operation, response)
    return eks, stub


def test_discovery_with_recorded_eks_responses(seeded: Seeded) -> None:
    clients = make_clients(REGION)
    eks, stub = _recorded_eks(seeded)
    clients.eks = eks
    with stub:
        live = discover(clients, CLUSTER)
        stub.assert_no_pending_responses()
    migration = migration_from(live)
    assert migration.report.spec_problems == []
    spec = load_spec_text(migration.spec_text).spec
    assert spec.addons is not None
    assert spec.addons["coredns"].version == "v1.11.4-eksbuild.2"
    assert spec.addons["coredns"].configuration == {"replicaCount": 3}
    assert spec.addons["vpc-cni"].service_account_role_arn == "arn:aws:iam::123456789012:role/cni"
    assert "eks-pod-identity-agent" in spec.addons
    (entry,) = spec.cluster.access_entries
    assert entry.kubernetes_groups == ["ops"]
    assert [(p.policy, p.scope, p.namespaces) for p in entry.policies] == [
        ("AmazonEKSClusterAdminPolicy", "cluster", []),
        ("AmazonEKSViewPolicy", "namespace", ["dev"]),
    ]
    (identity,) = spec.pod_identities
    assert (identity.namespace, identity.service_account, identity.role_arn, identity.target_role_arn) == (
        "apps", "web", "arn:aws:iam::123456789012:role/web", "arn:aws:iam::444455556666:role/b",
    )  # fmt: skip
    assert spec.cluster.secrets_encryption.kms_key_arn == f"arn:aws:kms:{REGION}:123456789012:key/k"
    assert spec.cluster.endpoint.public_cidrs == ["203.0.113.0/24"]

    admin = "arn:aws:iam::123456789012:role/platform/Admin"
    key = names.access_entry_key(admin)
    imports = _imports(imports_tf(migration.mapping, CLUSTER))
    expected = {
        names.addon_address("vpc-cni", True): f"{CLUSTER}:vpc-cni",
        names.addon_address("coredns", False): f"{CLUSTER}:coredns",
        names.access_entry_address(key): f"{CLUSTER}:{admin}",
        names.access_policy_association_address(key, "amazoneksclusteradminpolicy"): (
            f"{CLUSTER}#{admin}#arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
        ),
        names.access_policy_association_address(key, "amazoneksviewpolicy"): (
            f"{CLUSTER}#{admin}#arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
        ),
        names.pod_identity_association_resource("apps", "web"): f"{CLUSTER},a-abc123",
    }
    for address, identifier in expected.items():
        assert imports.get(address) == identifier, address
    assert 'module.eks.aws_eks_addon.before_compute["vpc-cni"]' in imports
