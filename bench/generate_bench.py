"""Benchmark of `ekstf generate` and a cold `ekstf --help`, against `python -c pass` in the same run.

Usage: python bench/generate_bench.py [--runs N] [--no-write]
Writes the results into the "Generate" section of docs/benchmarks.md (unless --no-write).
Targets: 200 node groups < 1 s; `ekstf --help` < 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS_MD = REPO_ROOT / "docs" / "benchmarks.md"
GROUP_COUNTS = (1, 50, 200)


def ekstf_command() -> list[str]:
    script = Path(sys.executable).with_name("ekstf")
    return [str(script)] if script.exists() else [sys.executable, "-m", "generator.cli.main"]


def synthetic_spec(groups: int) -> str:
    lines = [
        "cluster:",
        f"  name: bench-{groups}",
        "  region: eu-west-1",
        "managedNodeGroups:",
    ]
    for index in range(groups):
        lines += [
            f"  - name: group-{index:03d}",
            "    instanceTypes: [m6i.large, m6a.large]",
            "    minSize: 1",
            "    maxSize: 5",
            "    labels:",
            f"      team: team-{index % 7}",
        ]
        if index % 3 == 0:
            lines += ["    taints:", "      - {key: dedicated, value: batch, effect: NoSchedule}"]
        if index % 5 == 0:
            lines += ["    kubelet:", "      maxPods: 58"]
    return "\n".join(lines) + "\n"


def best_of(command: list[str], runs: int, fresh_dir: Path | None = None) -> float:
    best = float("inf")
    env = {**os.environ, "NO_COLOR": "1"}
    for _ in range(runs):
        if fresh_dir is not None:
            shutil.rmtree(fresh_dir, ignore_errors=True)
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        best = min(best, time.perf_counter() - start)
    return best


def measure(runs: int) -> list[tuple[str, float, str]]:
    baseline = best_of([sys.executable, "-c", "pass"], runs)
    rows = [("`python -c pass` (baseline)", baseline, "")]
    rows.append(("`ekstf --help`", best_of([*ekstf_command(), "--help"], runs), "< 0.3 s"))
    with tempfile.TemporaryDirectory() as tmp:
        for groups in GROUP_COUNTS:
            spec = Path(tmp) / f"spec-{groups}.yaml"
            spec.write_text(synthetic_spec(groups), encoding="utf-8")
            out = Path(tmp) / f"out-{groups}"
            seconds = best_of([*ekstf_command(), "generate", str(spec), "-o", str(out)], runs, fresh_dir=out)
            target = "< 1 s" if groups == 200 else ""
            rows.append((f"`ekstf generate`, {groups} managed node group(s)", seconds, target))
    return rows


def render_section(rows: list[tuple[str, float, str]], runs: int) -> str:
    baseline = rows[0][1]
    table = [
        f"| command | best of {runs} | ratio to `python -c pass` | target |",
        "| --- | ---: | ---: | --- |",
    ]
    for label, seconds, target in rows:
        table.append(f"| {label} | {seconds * 1000:.0f} ms | {seconds / baseline:.1f} | {target} |")
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    return (
        "## Generate\n\n"
        "`python bench/generate_bench.py` (fresh output directory for each run, so every file is created and the\n"
        "manifest written). Measured on: " + machine + ".\n\n" + "\n".join(table) + "\n\n"
    )


def write_section(section: str) -> None:
    text = BENCHMARKS_MD.read_text(encoding="utf-8")
    pattern = re.compile(r"## Generate\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    updated = pattern.sub(lambda _: section, text, count=1) if pattern.search(text) else text + "\n" + section
    from generator.fsutil import atomic_write_text

    atomic_write_text(BENCHMARKS_MD, updated)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    rows = measure(args.runs)
    section = render_section(rows, args.runs)
    print(section)
    if not args.no_write:
        write_section(section)


if __name__ == "__main__":
    main()
