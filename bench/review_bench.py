"""Benchmark of `ekstf review` against `json.load` of the same file and against tf-peek (PyPI, markdown from plan JSON).

Synthetic plans with 1k, 10k and 50k resource changes (tests/review_support.py). Every command runs in its own
process; wall time is the median of REPEAT runs, peak memory the child's max RSS (os.wait4). tf-peek is installed
into its own virtualenv (build/bench-venv) because its dependencies may conflict with ours.

    .venv/bin/python bench/review_bench.py [--sizes 1000,10000,50000] [--repeat 3] [--write-docs]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import venv
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from review_support import write_synthetic_plan  # noqa: E402

BUILD = REPO / "build" / "bench-review"
BENCH_VENV = REPO / "build" / "bench-venv"
TF_PEEK = "tf-peek==1.3.0"
DOCS = REPO / "docs" / "benchmarks.md"


@dataclass(frozen=True)
class Measure:
    seconds: float
    peak_mib: float
    exit_code: int


def run_measured(argv: list[str], repeat: int) -> Measure:
    """Median wall time and max peak RSS of `argv` (stdout discarded)."""
    times: list[float] = []
    peak_kib = 0
    code = 0
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        peak_kib = max(peak_kib, usage.ru_maxrss)
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code
        if proc.stderr is not None:
            proc.stderr.close()
    return Measure(statistics.median(times), peak_kib / 1024, code)


def tf_peek() -> Path:
    executable = BENCH_VENV / "bin" / "tf-peek"
    if not executable.exists():
        venv.create(BENCH_VENV, with_pip=True)
        subprocess.run([str(BENCH_VENV / "bin" / "pip"), "install", "-q", TF_PEEK], check=True)
    return executable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-docs", action="store_true", help="replace the Review section of docs/benchmarks.md")
    args = parser.parse_args()

    BUILD.mkdir(parents=True, exist_ok=True)
    ekstf = str(Path(sys.executable).with_name("ekstf"))
    peek = str(tf_peek())
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        plan = write_synthetic_plan(BUILD / f"plan-{size}.json", size)
        mib = plan.stat().st_size / 2**20
        baseline = run_measured([sys.executable, "-c", f"import json; json.load(open({str(plan)!r}))"], args.repeat)
        as_json = run_measured([ekstf, "review", str(plan), "--format", "json"], args.repeat)
        as_markdown = run_measured([ekstf, "review", str(plan), "--format", "markdown"], args.repeat)
        peek_run = run_measured([peek, str(plan)], args.repeat)
        for name, measure in (("json", as_json), ("markdown", as_markdown), ("tf-peek", peek_run)):
            assert measure.exit_code == 0, f"{name} failed on {plan}"
        rows.append((size, mib, baseline, as_json, as_markdown, peek_run))
        print(
            f"{size:>6} changes {mib:7.1f} MiB | json.load {baseline.seconds:6.2f}s {baseline.peak_mib:7.0f} MiB | "
            f"review json {as_json.seconds:6.2f}s {as_json.peak_mib:7.0f} MiB | "
            f"markdown {as_markdown.seconds:6.2f}s {as_markdown.peak_mib:7.0f} MiB | "
            f"tf-peek {peek_run.seconds:6.2f}s {peek_run.peak_mib:7.0f} MiB",
            flush=True,
        )
    table = render_table(rows, args.repeat)
    print(table)
    if args.write_docs:
        write_docs(table)


def render_table(rows: list[tuple[int, float, Measure, Measure, Measure, Measure]], repeat: int) -> str:
    lines = [
        "| changes | file | `json.load` | `review --format json` | `review --format markdown` | tf-peek 1.3.0 |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size, mib, base, as_json, as_md, peek in rows:

        def cell(m: Measure, base: Measure = base, mib: float = mib) -> str:
            return (
                f"{m.seconds:.2f} s ({m.seconds / base.seconds:.2f}x), "
                f"{m.peak_mib:.0f} MiB ({m.peak_mib / mib:.2f}x file)"
            )

        lines.append(
            f"| {size:,} | {mib:.1f} MiB | {base.seconds:.2f} s, {base.peak_mib:.0f} MiB ({base.peak_mib / mib:.2f}x file) "
            f"| {cell(as_json)} | {cell(as_md)} | {cell(peek)} |"
        )
    lines.append("")
    lines.append(
        f"Wall time is the median of {repeat} runs of a whole process (interpreter start-up included); the ratio in "
        "brackets is against `json.load` of the same file in the same run. Memory is the process's peak RSS."
    )
    return "\n".join(lines)


def write_docs(table: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    head, marker, rest = text.partition("## Review\n")
    if not marker:
        raise SystemExit("docs/benchmarks.md has no '## Review' section")
    next_section = rest.find("\n## ")
    tail = rest[next_section:] if next_section != -1 else "\n"
    intro = (
        "\nMeasured with `bench/review_bench.py` on synthetic plans (tests/review_support.py: `planned_values`,\n"
        "`prior_state` and `resource_changes` like `terraform show -json`; 2 critical EKS dangers; updates that change a\n"
        "few attributes). Targets: ≤ 1.5x `json.load` time, peak memory ≤ 2.5x the file size, faster than tf-peek.\n\n"
    )
    from generator.fsutil import atomic_write_text

    atomic_write_text(DOCS, head + marker + intro + table + "\n" + tail)


if __name__ == "__main__":
    main()
