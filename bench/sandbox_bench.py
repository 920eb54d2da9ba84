"""Sandbox benchmark: the provider double's start-up against `python -c pass`, and `ekstf sandbox` of the quickstart
against the engine's own `terraform validate` of the same generated repository, in one run.

python bench/sandbox_bench.py [--repeat N] [--write-docs]   (needs ../shared/tf-modules for the module cache)
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
QUICKSTART = ROOT / "examples" / "quickstart" / "ekstf.yaml"
MODULE_CACHE = ROOT.parent / "shared" / "tf-modules"
START_TARGET = 10.0
COOKIE = {"TF_PLUGIN_MAGIC_COOKIE": "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"}


def _median_seconds(action: object, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


@functools.cache
def _identity() -> Any:
    from generator.sandbox import tls

    return tls.generate()


def python_pass() -> None:
    subprocess.run([sys.executable, "-c", "pass"], check=True)


def double_start() -> None:
    """Start a double until its handshake line (what Terraform waits for), then stop it."""
    with tempfile.TemporaryDirectory() as tls_dir:
        from generator.sandbox import tls

        tls.write(_identity(), Path(tls_dir) / "tls")  # as in a sandbox run: the orchestrator made the certificate
        env = {**os.environ, **COOKIE, tls.TLS_ENV: str(Path(tls_dir) / "tls")}
        proc = subprocess.Popen(
            [sys.executable, "-I", "-m", "generator.sandbox.provider", "aws"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()
        proc.terminate()
        proc.wait()
        if not line.startswith("1|6|unix|"):
            raise SystemExit(f"the double did not start: {line!r} ({tls_dir})")


def ekstf_sandbox() -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "generator.cli.main",
            "sandbox",
            str(QUICKSTART),
            "--module-cache",
            str(MODULE_CACHE),
            "--engine",
            "embedded",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def engine_validate(repo: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "generator.engine.launcher", "validate", "-no-color"],
        cwd=repo,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepared_repo(root: Path) -> Path:
    """The quickstart generated and initialised (modules from the cache), for `terraform validate`."""
    from generator.generate.api import generate
    from generator.sandbox import workspace

    repo = root / "repo"
    generate(QUICKSTART, repo)
    with workspace.ModuleRegistry(MODULE_CACHE) as registry:
        space = workspace.prepare(root, repo, registry.url)
        with workspace.environment(space.environment()):
            subprocess.run(
                [sys.executable, "-m", "generator.engine.launcher", "init", "-input=false", "-no-color"],
                cwd=repo,
                check=True,
                stdout=subprocess.DEVNULL,
            )
    return repo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-docs", action="store_true", help="Replace the Sandbox section of docs/benchmarks.md")
    args = parser.parse_args()
    if not MODULE_CACHE.is_dir():
        raise SystemExit(f"needs {MODULE_CACHE}")
    base = _median_seconds(python_pass, args.repeat * 3)
    start = _median_seconds(double_start, args.repeat * 3)
    with tempfile.TemporaryDirectory() as scratch:
        repo = prepared_repo(Path(scratch))
        from generator.sandbox import workspace

        space = workspace.Workspace(Path(scratch), repo)
        with workspace.environment(space.environment()):
            validate = _median_seconds(lambda: engine_validate(repo), args.repeat)
    sandbox = _median_seconds(ekstf_sandbox, args.repeat)
    load = os.getloadavg()[0]
    ratio = start / base
    rows = [
        ("`python -c pass`", base, ""),
        (
            "provider double start-up (until its handshake line)",
            start,
            f"{ratio:.1f}x python (target ≤ {START_TARGET:.0f}x)",
        ),
        ("engine's `terraform validate` of the quickstart (initialised)", validate, ""),
        (
            "`ekstf sandbox` of the quickstart (generate, init, plan, review)",
            sandbox,
            f"{sandbox / validate:.1f}x validate",
        ),
    ]
    table = "| What | Median wall time | Note |\n| --- | --- | --- |\n" + "\n".join(
        f"| {what} | {seconds:.2f} s | {note} |" for what, seconds, note in rows
    )
    print(table)
    print(f"load average {load:.1f}; start-up target {'met' if ratio <= START_TARGET else 'NOT met'}")
    if args.write_docs:
        write_docs(table, args.repeat, load, ratio)


def write_docs(table: str, repeat: int, load: float, ratio: float) -> None:
    text = DOCS.read_text(encoding="utf-8")
    verdict = "met" if ratio <= START_TARGET else "not met"
    section = f"""## Sandbox

`python bench/sandbox_bench.py --write-docs` (replaces this section; `make bench` runs it). The provider double's
start-up is what Terraform waits for before each provider call round: the time from starting
`python -m generator.sandbox.provider aws` to its go-plugin handshake line, against `python -c pass` (target ≤ 10x:
{verdict} in this run, {ratio:.1f}x). `ekstf sandbox` (generate, init with the module cache, plan with resident
doubles, review) is set against the engine's own `terraform validate` of the same, already initialised, repository.
Median of {repeat}+ runs; measured on {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python
{platform.python_version()}, load average {load:.1f} at the end of the run (the machine is shared: absolute times vary).

{table}

Where the start-up goes (`python -X importtime`): gRPC ~0.2 s (its C core imports asyncio), the protobuf runtime
and our message module ~0.09 s, the rest of the import under 0.1 s; starting the gRPC server and the TLS socket
the remainder. The schema is a pre-serialized answer read from package data (12 ms to decode the aws one, lazily);
planning, values and data-source code load on the first call that needs them. The 10x target is not reachable with
grpcio's import alone costing about 10x `python -c pass`; what makes it matter little is that `ekstf sandbox` starts one
resident double per provider, once per run, in parallel, and Terraform reattaches to them
(TF_REATTACH_PROVIDERS): a plan otherwise starts about ten provider processes, which `--spawn-providers` pays.
"""
    start = text.find("## Sandbox")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 3)
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    DOCS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
