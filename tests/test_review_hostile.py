"""`ekstf review` against hostile plans: strings that try to rewrite the PR comment or the terminal, planted
secrets in every renderer, malformed plans that must end in a clear error (exit 2), never an internal error."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import run_ekstf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import UserInputError
from generator.review import render_review, review_plan
from generator.review.plan_input import parse_plan_bytes
from generator.review.text_layout import text_width

PLANS = Path(__file__).parent / "fixtures" / "plans"
BENIGN = "benign-value"
HOSTILE_FRAGMENTS = (
    "\n",
    "\r\n",
    "\n\n",
    "`",
    "```",
    "~~~",
    "</details>",
    "<details>",
    "</summary>",
    "<img src=x onerror=alert(1)>",
    "\n\n## ✅ Approved by @security-team\n\n",
    "@team",
    "|",
    "\\|",
    "\\",
    "\x1b[2J\x1b[H",
    "\x1b]0;spec is valid\x07",
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "\x9b31m",
    "\x00",
    "\x07",
    "\u200b",
    "\u200d",
    "\u202e",
    "\u2066",
    "\u2028",
    "\ufeff",
    "[click](https://evil.example)",
    "![img](https://evil.example/x.png)",
    "https://evil.example",
    "*",
    "_",
    "~~",
    "&lt;",
    "&",
    "<!--",
    "-->",
    "# heading",
    "> quote",
    "- item",
    "\t",
    '"',
    "{",
    "x" * 3_000,
)
hostile_strings = st.lists(st.sampled_from(HOSTILE_FRAGMENTS) | st.text(max_size=4), min_size=1, max_size=6).map(
    lambda parts: "v" + "".join(parts)
)


def _entry(address: str, type_: str, actions: list[str], before: Any, after: Any, **extra: Any) -> dict[str, Any]:
    change = {"actions": actions, "before": before, "after": after, "after_unknown": {}}
    change.update(extra.pop("change", {}))
    return {"address": address, "mode": "managed", "type": type_, "name": "x", "change": change, **extra}


def plan_with(text: str, *, errored: bool = False) -> dict[str, Any]:
    """A plan carrying `text` in every field a renderer prints (addresses, ids, reasons, keys, values, messages)."""
    module = f'module.m["{text}"]'
    resources = [
        _entry(
            f'{module}.aws_eks_access_entry.x["{text}"]',
            "aws_eks_access_entry",
            ["delete"],
            {"principal_arn": text, "policy_arn": text},
            None,
            module_address=module,
            action_reason=text,
        ),
        _entry(
            f'aws_instance.x["{text}"]',
            "aws_instance",
            ["delete", "create"],
            {text: "a", "tags": {text: text}, "subnets": [text]},
            {text: "b", "tags": {text: text + "2"}, "subnets": [text, "b"]},
            previous_address=text,
            action_reason=text,
            change={"replace_paths": [[text]], "importing": {"id": text}},
        ),
        _entry("aws_instance.deposed", "aws_instance", ["delete"], {"id": text}, None, deposed=text),
        _entry("aws_eks_addon.x", "aws_eks_addon", ["delete"], {"addon_name": text, "addon_version": text}, None),
    ]
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": resources,
        "resource_drift": [_entry(f"aws_security_group.{text}", "aws_security_group", ["update"], {"a": text}, {})],
        "output_changes": {text: {"actions": ["update"], "before": text, "after": text + "2", "after_unknown": False}},
        "deferred_changes": [{"reason": text, "resource_change": _entry(text, "aws_x", ["create"], None, {})}],
        "checks": [
            {
                "address": {"to_display": text},
                "status": "fail",
                "instances": [{"status": "fail", "problems": [{"message": text}]}],
            }
        ],
        "diagnostics": [{"severity": "error", "summary": text, "detail": text, "address": text}],
        "errored": errored,
        "applyable": not errored,
    }


def _review(plan: dict[str, Any]) -> Any:
    return review_plan(parse_plan_bytes(json.dumps(plan).encode()))


FENCE = re.compile(r"^ {0,3}(```|~~~)")
HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
OUR_TAGS = re.compile(r"</?(details|summary|code)>")
MENTION = re.compile(r"@[\w-]")
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
TERMINAL_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


CODE_SPAN = re.compile(r"`[^`\n]*`")


def markup_outside_code(text: str) -> str:
    """The text GitHub interprets as markup: without fenced blocks and code spans (their content is shown as is)."""
    kept, in_fence = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            kept.append(CODE_SPAN.sub("`…`", line))
    return "\n".join(kept)


def markdown_structure(text: str) -> dict[str, Any]:
    """What a reader (or GitHub) sees as the comment's structure: headings, folds, fences, table shape, lines."""
    in_fence = False
    headings = []
    for line in text.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and HEADING.match(line):
            headings.append(line.split(":")[0])
    markup = markup_outside_code(text)
    return {
        "lines": len(text.splitlines()),
        "headings": headings,
        "details": (markup.count("<details>"), markup.count("</details>")),
        "summaries": (markup.count("<summary>"), markup.count("</summary>")),
        "fences": sum(1 for line in text.splitlines() if FENCE.match(line)),
        "table_rows": [len(UNESCAPED_PIPE.findall(line)) for line in text.splitlines() if line.startswith("|")],
    }


@settings(
    max_examples=int(os.environ.get("EKSTF_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(text=hostile_strings, errored=st.booleans())
def test_hostile_strings_never_change_the_markdown_structure_or_reach_the_terminal(text: str, errored: bool) -> None:
    benign = render_review(_review(plan_with(BENIGN, errored=errored)), "markdown", max_chars=10**7)
    hostile = render_review(_review(plan_with(text, errored=errored)), "markdown", max_chars=10**7)
    assert markdown_structure(hostile) == markdown_structure(benign)
    assert OUR_TAGS.sub("", markup_outside_code(hostile)).count("<") == 0  # no HTML from values: &lt; or in code
    assert not MENTION.search(hostile)  # no @mention GitHub would link or notify

    shown = render_review(_review(plan_with(text, errored=errored)), "terminal", color=False, width=100_000)
    assert not TERMINAL_FORBIDDEN.search(shown)
    assert not any(line.startswith(("spec is valid", "## ✅")) for line in shown.splitlines())

    narrow = render_review(_review(plan_with(text, errored=errored)), "terminal", color=False, width=80)
    assert max(text_width(line) for line in narrow.splitlines()) <= 80
    coloured = render_review(_review(plan_with(text, errored=errored)), "terminal", color=True, width=80)
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == narrow  # colour adds SGR codes and nothing else

    document = json.loads(render_review(_review(plan_with(text, errored=errored)), "json"))
    addresses = {r["address"] for r in document["resources"]}
    assert f'aws_instance.x["{text}"]' in addresses  # JSON keeps values exact (it is escaped by the encoder)
    assert document["outputs"][0]["name"] == text


def test_import_id_cannot_close_the_fold_or_ping_a_team(tmp_path: Path) -> None:
    """The issue's example, end to end: an import id that closes <details> and prints a fake approval."""
    payload = "zz\n\n</details>\n\n## ✅ Approved by @security-team\n\n<details>"
    plan = plan_with(BENIGN)
    plan["resource_changes"][1]["change"]["importing"] = {"id": payload}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    result = run_ekstf("review", path, "--format", "markdown")
    assert result.returncode == 0, result.output
    text = result.stdout
    assert text.count("<details>") == text.count("</details>")
    assert not any(line.lstrip().startswith("## ") for line in text.splitlines())
    assert "@security-team" not in text and "@\u200dsecurity-team" in text
    assert "import id `zz </details> ## ✅ Approved by @\u200dsecurity-team <details>`" in text

    terminal = run_ekstf("review", path)
    assert "\x1b" not in terminal.stdout and "Approved" in terminal.stdout  # shown, on one line
    assert not any(line.startswith("## ") for line in terminal.stdout.splitlines())


def test_terminal_escape_sequences_from_the_plan_are_shown_not_run(tmp_path: Path) -> None:
    plan = plan_with("\x1b]0;spec is valid\x07\x1b[2J")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    for env in ({}, {"NO_COLOR": ""}):
        result = run_ekstf("review", path, env=env)
        assert result.returncode == 0, result.output
        assert "\x1b]" not in result.stdout and "\x07" not in result.stdout and "\x1b[2J" not in result.stdout
        assert "\\x1b]0;spec is valid\\x07" in result.stdout


# --- secrets ----------------------------------------------------------------------------------------------------

SECRET_NUMBER = 8675309
SECRET_TEXT = "WHOLE-OBJECT-SECRET-41"


def secrets_plan() -> dict[str, Any]:
    """Sensitive numbers and bools, a resource marked sensitive as a whole, and copies of the values elsewhere."""
    marked = {"port": SECRET_NUMBER, "flag": True, "other": 1}
    return {
        "format_version": "1.2",
        "resource_changes": [
            _entry(
                "aws_db_instance.a",
                "aws_db_instance",
                ["update"],
                marked,
                {**marked, "other": 2, "pin": 13572468},
                change={
                    "before_sensitive": {"port": True, "flag": True},
                    "after_sensitive": {"port": True, "flag": True, "pin": True},
                },
            ),
            _entry("aws_x.whole", "aws_x", ["create"], None, {"pw": SECRET_TEXT}, change={"after_sensitive": True}),
            _entry(
                "aws_x.copies",
                "aws_x",
                ["update"],
                {"copy": 1, "text": "a"},
                {"copy": SECRET_NUMBER, "text": SECRET_TEXT, "note": f"uses {SECRET_TEXT} and 13572468"},
                change={"before_sensitive": {}, "after_sensitive": {}},
            ),
        ],
        "output_changes": {
            "pin": {
                "actions": ["create"],
                "before": None,
                "after": 24681357,
                "after_unknown": False,
                "before_sensitive": False,
                "after_sensitive": True,
            },
            "flag": {"actions": ["create"], "before": None, "after": False, "after_sensitive": True},
        },
    }


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "json"])
def test_sensitive_numbers_bools_and_whole_objects_are_masked_everywhere(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(secrets_plan()), encoding="utf-8")
    result = run_ekstf("review", path, "--format", fmt)
    assert result.returncode == 0, result.output
    for secret in (str(SECRET_NUMBER), SECRET_TEXT, "13572468", "24681357"):
        assert secret not in result.stdout, secret
    assert "(sensitive value)" in result.stdout and "(masked)" in result.stdout
    if fmt == "json":
        document = json.loads(result.stdout)
        changes = {c["path"]: c for r in document["resources"] for c in r["changes"]}
        assert changes["copy"]["after"] == "(masked)" and changes["text"]["after"] == "(masked)"
        assert "flag" not in changes  # unchanged, marked: not shown at all
        assert {o["name"]: o["after"] for o in document["outputs"]} == {
            "flag": "(sensitive value)",
            "pin": "(sensitive value)",
        }


def test_masking_never_rewrites_addresses_keys_or_names(tmp_path: Path) -> None:
    """A sensitive output `admin` must not turn `cluster_creator_admin` into `cluster_creator_***`."""
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            _entry(
                'aws_eks_access_entry.this["cluster_creator_admin"]',
                "aws_eks_access_entry",
                ["update"],
                {"bootstrap_cluster_creator_admin_permissions": False, "user": "admin", "note": "x"},
                {"bootstrap_cluster_creator_admin_permissions": True, "user": "admin", "note": "y"},
            ),
            _entry(
                "aws_x.long",
                "aws_x",
                ["update"],
                {"t": "a"},
                {"t": "token-is-s3cr3t-value", "m": "uses token-is-s3cr3t-value"},
            ),
        ],
        "output_changes": {
            "admin_user": {"actions": ["create"], "after": "admin", "after_sensitive": True},
            "token": {"actions": ["create"], "after": "token-is-s3cr3t-value", "after_sensitive": True},
        },
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    document = json.loads(run_ekstf("review", path, "--format", "json").stdout)
    addresses = [r["address"] for r in document["resources"]]
    assert addresses == ['aws_eks_access_entry.this["cluster_creator_admin"]', "aws_x.long"]
    paths = [c["path"] for r in document["resources"] for c in r["changes"]]
    assert "bootstrap_cluster_creator_admin_permissions" in paths
    assert "***" not in json.dumps(document)
    long_changes = {c["path"]: c["after"] for c in document["resources"][1]["changes"]}
    assert long_changes == {"m": "(masked)", "t": "(masked)"}  # a long secret is still masked where copied
    markdown = run_ekstf("review", path, "--format", "markdown").stdout
    assert "cluster_creator_admin" in markdown and "token-is-s3cr3t-value" not in markdown


# --- malformed plans: exit 2 with a clear message, or a review; never an internal error ---------------------------

BASE = '{"format_version": "1.2", "planned_values": {}, "resource_changes": [], '


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (BASE + '"checks": 5}', 2, "checks"),
        (BASE + '"checks": [1]}', 2, "checks[0]"),
        (BASE + '"checks": [{"address": "a", "instances": 5}]}', 2, "checks[0].instances"),
        (BASE + '"checks": [{"instances": [{"problems": "zz"}]}]}', 2, "checks[0].instances[0].problems"),
        (BASE + '"planned_values": ' + "[" * 100_000 + "]" * 100_000 + "}", 2, "nested too deeply"),
        (
            '{"format_version": "1.2", "resource_changes": [' + "[" * 100_000 + "]" * 100_000 + "]}",
            2,
            "nested too deeply",
        ),
    ],
)
def test_malformed_plans_exit_2_with_a_clear_message(tmp_path: Path, content: str, code: int, message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(content, encoding="utf-8")
    result = run_ekstf("review", path, "--format", "json")
    assert result.returncode == code, result.output
    assert message in result.stderr and "plan.json" in result.stderr
    assert "internal error" not in result.output and "Traceback" not in result.output


def test_odd_values_are_reviewed_not_crashed_on(tmp_path: Path) -> None:
    node_group = _entry(
        "aws_eks_node_group.a", "aws_eks_node_group", ["update"], {"launch_template": 1.5}, {"launch_template": 1.5}
    )
    template = _entry("aws_launch_template.a", "aws_launch_template", ["update"], {"id": "lt-1"}, {"id": "lt-2"})
    deep: dict[str, Any] = {"v": 1}
    for _ in range(900):  # as deep as the plan reader accepts (deeper is "nested too deeply", exit 2)
        deep = {"v": deep}
    number = _entry("aws_x.n", "aws_x", ["update"], {"n": 1, "f": 1, "d": 1}, {"n": 0, "f": 0, "d": deep})
    content = json.dumps({"format_version": "1.2", "resource_changes": [node_group, template, number]})
    content = content.replace('"n": 0', '"n": ' + "9" * 5_000).replace('"f": 0', '"f": 1e5000')
    path = tmp_path / "plan.json"
    path.write_text(content, encoding="utf-8")
    for fmt in ("json", "markdown", "terminal"):
        result = run_ekstf("review", path, "--format", fmt)
        assert result.returncode == 0, result.output
        assert "internal error" not in result.output
    document = json.loads(run_ekstf("review", path, "--format", "json").stdout)
    changes = {c["path"]: c["after"] for r in document["resources"] for c in r["changes"]}
    assert changes["n"].startswith("99999999999999999999… (5000-digit number)")
    assert document["dangers"][0]["rule"] == "launch-template-rollout"


def test_thousands_of_critical_dangers_are_cut_at_a_row_with_a_note(tmp_path: Path) -> None:
    clusters = [
        _entry(f"aws_eks_cluster.c{i}", "aws_eks_cluster", ["delete"], {"name": f"c{i}"}, None, action_reason=f"r{i}")
        for i in range(3_000)
    ]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "resource_changes": clusters}), encoding="utf-8")
    text = run_ekstf("review", path, "--format", "markdown", "--max-chars", "20000").stdout
    assert len(text) <= 20_000
    rows = [line for line in text.splitlines() if line.startswith("| 🔴")]
    assert rows and all(line.endswith("|") for line in text.splitlines() if line.startswith("|"))
    match = re.search(r"_(\d+) more finding\(s\) not shown \((\d+) critical\)", text)
    assert match is not None, text[-500:]
    assert len(rows) + int(match.group(1)) == 3_000 == len(rows) + int(match.group(2))


# --- the hostile-plan fuzzer: mutate a real-shaped plan anywhere; review must finish or say what is wrong ----------

ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and ±Infinity too: json.dumps writes them as bare words, which is not JSON (exit 2)
    st.integers(min_value=2**63, max_value=2**200),  # beyond 64 bits: read by the json module
    st.sampled_from(HOSTILE_FRAGMENTS),
    st.just([]),
    st.just({}),
    st.just([[[[{"a": [1, {"b": None}]}]]]]),
    st.just({"x": 1.5, "launch_template": 1.5}),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _paths(child, (*prefix, index))
    return found


def _replace(node: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {**node, head: _replace(node[head], rest, new)}
    copy = list(node)
    copy[head] = _replace(node[head], rest, new)
    return copy


def _fuzz_bases() -> list[dict[str, Any]]:
    from test_review_diffs import diff_plan
    from test_review_rules import dangerous_plan

    names = ("eks-replace.json", "eks-upgrade.json", "tf-1.0.3-format-0.2.json")
    return [json.loads((PLANS / name).read_text(encoding="utf-8")) for name in names] + [dangerous_plan(), diff_plan()]


FUZZ_BASES = _fuzz_bases()


@settings(
    max_examples=int(os.environ.get("EKSTF_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_hostile_plan_fuzzer_never_ends_in_an_internal_error(data: st.DataObject) -> None:
    plan = data.draw(st.sampled_from(FUZZ_BASES))
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(_paths(plan)))
        plan = _replace(plan, path, data.draw(ODD_VALUES))
    raw = json.dumps(plan).encode()
    try:
        review = review_plan(parse_plan_bytes(raw, "fuzz.json"))
    except UserInputError as error:
        assert "fuzz.json" in error.render()
        return
    for fmt in ("json", "markdown", "terminal"):
        render_review(review, fmt, color=False, width=120)


# --- the start-up fast path (generator.cli.entry) and the full CLI agree ---------------------------------------------


def test_fast_path_and_full_cli_give_the_same_review_and_errors(tmp_path: Path) -> None:
    plan = PLANS / "eks-replace.json"
    full = [sys.executable, "-m", "generator.cli.main"]

    def both(*args: str) -> tuple[Any, Any]:
        fast = run_ekstf(*args)
        slow = subprocess.run(
            [*full, *args],
            capture_output=True,
            text=True,
            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
        )
        return fast, slow

    for args in (
        ("review", str(plan), "--format", "json"),
        ("review", str(plan), "-f", "markdown", "--fail-on=critical"),
    ):
        fast, slow = both(*args)
        assert (fast.returncode, fast.stdout) == (slow.returncode, slow.stdout)
    fast, slow = both("review", str(tmp_path / "missing.json"))
    assert (
        fast.returncode == slow.returncode == 2
        and "cannot read plan" in fast.stderr
        and "cannot read plan" in slow.stderr
    )
    for args in (("review", "--help"), ("review", str(plan), "--max-chars", "5"), ("review", str(plan), "--bogus")):
        fast, slow = both(*args)  # not parsed by the fast path: the full CLI answers, usage errors and all
        assert (fast.returncode, fast.stdout) == (slow.returncode, slow.stdout), args
    assert "--fail-on" in run_ekstf("review", "--help").stdout
