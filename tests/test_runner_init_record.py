"""The digest that decides whether `ekstf plan` runs `terraform init` again (generator/runner/init_record.py)."""

from __future__ import annotations

from pathlib import Path

from generator.runner.init_record import init_digest, init_is_current, record_init


def _workdir(tmp_path: Path) -> Path:
    (tmp_path / "main.tf").write_text('module "vpc" {\n  source = "./vpc"\n}\n', encoding="utf-8")
    (tmp_path / "vpc").mkdir()
    (tmp_path / "vpc" / "main.tf").write_text("", encoding="utf-8")
    (tmp_path / ".terraform.lock.hcl").write_text("# lock\n", encoding="utf-8")
    (tmp_path / "terraform.tfvars").write_text("x = 1\n", encoding="utf-8")
    providers = tmp_path / ".terraform" / "providers" / "registry.terraform.io" / "hashicorp" / "aws"
    providers.mkdir(parents=True)
    (providers / "terraform-provider-aws").write_bytes(b"binary")
    (tmp_path / ".terraform" / "modules").mkdir()
    (tmp_path / ".terraform" / "modules" / "modules.json").write_text("{}", encoding="utf-8")
    return tmp_path


def test_no_data_directory_means_init_is_needed(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("", encoding="utf-8")
    assert init_digest(tmp_path, "embedded", []) is None
    assert not init_is_current(tmp_path / "record", None)


def test_what_init_depends_on_changes_the_digest_and_variables_do_not(tmp_path: Path) -> None:
    workdir = _workdir(tmp_path)
    backend_file = tmp_path / "backend.hcl"
    backend_file.write_text('bucket = "a"\n', encoding="utf-8")
    base = init_digest(workdir, "embedded", ["key=a", str(backend_file)])
    assert base is not None
    assert init_digest(workdir, "embedded", ["key=a", str(backend_file)]) == base

    (workdir / "terraform.tfvars").write_text("x = 2\n", encoding="utf-8")
    assert init_digest(workdir, "embedded", ["key=a", str(backend_file)]) == base

    changes = {
        "another engine": lambda: init_digest(
            workdir, "terraform binary /usr/bin/terraform", ["key=a", str(backend_file)]
        ),
        "another -backend-config": lambda: init_digest(workdir, "embedded", ["key=b", str(backend_file)]),
    }
    for what, digest in changes.items():
        assert digest() != base, what

    edits = {
        "a backend file's content": (backend_file, 'bucket = "b"\n'),
        "a local module": (workdir / "vpc" / "main.tf", 'variable "x" {}\n'),
        "the lock file": (workdir / ".terraform.lock.hcl", "# lock 2\n"),
        "the module manifest": (workdir / ".terraform" / "modules" / "modules.json", '{"Modules": []}'),
    }
    for what, (path, text) in edits.items():
        before = init_digest(workdir, "embedded", ["key=a", str(backend_file)])
        path.write_text(text, encoding="utf-8")
        assert init_digest(workdir, "embedded", ["key=a", str(backend_file)]) != before, what

    before = init_digest(workdir, "embedded", [])
    provider = next((workdir / ".terraform" / "providers").rglob("terraform-provider-aws"))
    provider.unlink()
    assert init_digest(workdir, "embedded", []) != before, "a removed provider binary"


def test_the_record_holds_the_digest_of_the_last_init(tmp_path: Path) -> None:
    workdir = _workdir(tmp_path)
    record = tmp_path / "record"
    digest = init_digest(workdir, "embedded", [])
    assert not init_is_current(record, digest)
    record_init(record, digest)
    assert init_is_current(record, digest)
    record.write_bytes(b"\xff\xfe")
    assert not init_is_current(record, digest)
