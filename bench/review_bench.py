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


def generate_plan(size: int) -> Path:
    """Write the synthetic plan from a child process: this process must stay small, or forked children's peak RSS
    (which includes the parent's pages until exec) would be inflated."""
    plan = BUILD / f"plan-{size}.json"
    code = f"from review_support import write_synthetic_plan; write_synthetic_plan(__import__('pathlib').Path({str(plan)!r}), {size})"
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONPATH": str(REPO / "tests")})
    return plan


IN_PROCESS = """
import json, sys, time
from generator.review import load_plan_fast, review_plan
from generator.review.render import iter_review
path, repeat = sys.argv[1], int(sys.argv[2])
def best(work):
    times = []
    for _ in range(repeat):
        start = time.perf_counter(); work(); times.append(time.perf_counter() - start)
    return min(times)
def review(fmt):
    for piece in iter_review(review_plan(load_plan_fast(path)), fmt):
        pass
print(best(lambda: json.load(open(path))), best(lambda: review("json")), best(lambda: review("markdown")))
"""


def in_process(plan: Path, repeat: int) -> tuple[float, float, float]:
    """Best-of-`repeat` times inside one process: json.load, review → json, review → markdown (no start-up)."""
    out = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, str(plan), str(repeat)], check=True, capture_output=True, text=True
    ).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


def tf_peek() -> Path:
    executable = BENCH_VENV / "bin" / "tf-peek"
    if not executable.exists():
        venv.create(BENCH_VENV, with_pip=True)
        subprocess.run([str(BENCH_VENV / "bin" / "pip"), "install", "-q", TF_PEEK], check=True)
    return executable


STARTUP_CHANGES = 400  # about 1 MB of plan JSON
STARTUP_TARGET = 1.2
# The least any review written in Python does with the file: decode it and look at each change once (no rules, no
# masking, no rendering). Its cost against the bare json.load is the floor of the start-up ratio.
FLOOR_WALK = """import json
plan = json.load(open({plan!r}))
for change in plan.get("resource_changes", []):
    before = change["change"].get("before") or {{}}
    after = change["change"].get("after") or {{}}
    changed = [key for key in after if before.get(key) != after[key]]
"""


@dataclass(frozen=True)
class Startup:
    wall: float
    cpu: float


def run_startup(argv: list[str], repeat: int) -> Startup:
    """Best-of-`repeat` wall time and CPU time (user + system) of a whole process: on a shared machine the best
    run is the one least disturbed by other processes, and CPU time is what the command itself costs."""
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append(time.perf_counter() - start)
        cpus.append(usage.ru_utime + usage.ru_stime)
        proc.returncode = os.waitstatus_to_exitcode(status)
        assert proc.returncode == 0, argv
    return Startup(min(walls), min(cpus))


def startup_table(ekstf: str, repeat: int) -> str:
    """`ekstf review` of a ~1 MB plan side by side with a bare `python -c "import json; json.load(open(F))"`,
    runs interleaved so that both see the same load."""
    plan = generate_plan(STARTUP_CHANGES)
    commands = {
        "`python -c 'import json; json.load(open(F))'`": [
            sys.executable,
            "-c",
            f"import json; json.load(open({str(plan)!r}))",
        ],
        "floor: the same `json.load` plus one pass over `resource_changes` comparing before/after": [
            sys.executable,
            "-c",
            FLOOR_WALK.format(plan=str(plan)),
        ],
        "floor: the same `json.load` after `import typing, dataclasses, pathlib`": [
            sys.executable,
            "-c",
            f"import typing, dataclasses, pathlib, json; json.load(open({str(plan)!r}))",
        ],
        "floor: `import msgspec` alone": [sys.executable, "-c", "import msgspec"],
        "`ekstf review F --format json`": [ekstf, "review", str(plan), "--format", "json"],
        "`ekstf review F --format markdown`": [ekstf, "review", str(plan), "--format", "markdown"],
        "`ekstf review F` (terminal)": [ekstf, "review", str(plan)],
        "`ekstf review F --format json` through the full CLI (typer)": [
            sys.executable,
            "-m",
            "generator.cli.main",
            "review",
            str(plan),
            "--format",
            "json",
        ],
        "`ekstf --version` (the full CLI: typer, rich)": [ekstf, "--version"],
    }
    best: dict[str, Startup] = {}
    for _ in range(repeat):
        for name, argv in commands.items():
            got = run_startup(argv, 1)
            old = best.get(name)
            best[name] = got if old is None else Startup(min(old.wall, got.wall), min(old.cpu, got.cpu))
    base = next(iter(best.values()))
    mib = plan.stat().st_size / 2**20
    lines = [
        f"Start-up: a {mib:.1f} MiB plan ({STARTUP_CHANGES} changes), best of {repeat} interleaved runs; target "
        f"≤ {STARTUP_TARGET}x the bare `json.load` process.",
        "",
        "| command | wall | CPU (user+sys) |",
        "|---|---:|---:|",
    ]
    for name, got in best.items():
        lines.append(
            f"| {name} | {got.wall * 1000:.0f} ms ({got.wall / base.wall:.2f}x) | {got.cpu * 1000:.0f} ms ({got.cpu / base.cpu:.2f}x) |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--startup-repeat", type=int, default=15)
    parser.add_argument("--startup-only", action="store_true", help="only the start-up comparison")
    parser.add_argument("--write-docs", action="store_true", help="replace the Review section of docs/benchmarks.md")
    args = parser.parse_args()

    BUILD.mkdir(parents=True, exist_ok=True)
    ekstf = str(Path(sys.executable).with_name("ekstf"))
    startup = startup_table(ekstf, args.startup_repeat)
    print(startup, flush=True)
    if args.startup_only:
        return
    peek = str(tf_peek())
    rows = []
    inner: list[tuple[int, float, float, float]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        plan = generate_plan(size)
        mib = plan.stat().st_size / 2**20
        baseline = run_measured([sys.executable, "-c", f"import json; json.load(open({str(plan)!r}))"], args.repeat)
        as_json = run_measured([ekstf, "review", str(plan), "--format", "json"], args.repeat)
        as_markdown = run_measured([ekstf, "review", str(plan), "--format", "markdown"], args.repeat)
        peek_run = run_measured([peek, str(plan)], args.repeat)
        for name, measure in (("json", as_json), ("markdown", as_markdown), ("tf-peek", peek_run)):
            assert measure.exit_code == 0, f"{name} failed on {plan}"
        rows.append((size, mib, baseline, as_json, as_markdown, peek_run))
        inner.append((size, *in_process(plan, args.repeat)))
        print(
            f"{size:>6} changes {mib:7.1f} MiB | json.load {baseline.seconds:6.2f}s {baseline.peak_mib:7.0f} MiB | "
            f"review json {as_json.seconds:6.2f}s {as_json.peak_mib:7.0f} MiB | "
            f"markdown {as_markdown.seconds:6.2f}s {as_markdown.peak_mib:7.0f} MiB | "
            f"tf-peek {peek_run.seconds:6.2f}s {peek_run.peak_mib:7.0f} MiB",
            flush=True,
        )
    table = startup + "\n\n" + render_table(rows, args.repeat) + "\n\n" + render_inner(inner, args.repeat)
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


def render_inner(rows: list[tuple[int, float, float, float]], repeat: int) -> str:
    lines = [
        "Inside one process (no interpreter or CLI start-up), best of "
        f"{repeat}: read + review + render, against `json.load` alone.",
        "",
        "| changes | `json.load` | review → json | review → markdown |",
        "|---:|---:|---:|---:|",
    ]
    for size, base, as_json, as_md in rows:
        lines.append(
            f"| {size:,} | {base:.3f} s | {as_json:.3f} s ({as_json / base:.2f}x) | {as_md:.3f} s ({as_md / base:.2f}x) |"
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
        "few attributes). Targets: ≤ 1.5x `json.load` time, peak memory ≤ 2.5x the file size, faster than tf-peek.\n"
        "Why it is fast: msgspec decodes only the keys the review uses (not `planned_values`, `prior_state`,\n"
        "`variables`), attribute values stay undecoded until a rule or a renderer needs them, diffs compare whole\n"
        "subtrees in C before walking them, the markdown stops rendering at the first overflow of a fold level, and\n"
        "the JSON is streamed resource by resource. Read the small plans with care: at 1,000 changes a whole process\n"
        "is mostly interpreter and start-up, so ratios against a bare `json.load` process say little there; the\n"
        "in-process table below separates the work, and the start-up table measures it on its own.\n\n"
    )
    from generator.fsutil import atomic_write_text

    atomic_write_text(DOCS, head + marker + intro + table + "\n" + tail)


if __name__ == "__main__":
    main()
