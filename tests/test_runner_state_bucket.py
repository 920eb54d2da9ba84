"""The backend snippet of `ekstf bootstrap-state`: valid HCL whatever the bucket, key and region say."""

from __future__ import annotations

import hcl2
from generate_support import hcl_string
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.runner.state_bucket import backend_snippet

# Dense in what HCL treats specially (quotes, escapes, templates, heredoc and comment markers, newlines, bidi
# controls); BMP only, as the test's decoder (generate_support.hcl_string) reads \uXXXX escapes only.
_PIECES = st.one_of(
    st.sampled_from(['"', "\\", "${", "%{", "$${", "}", "\n", "\r", "\t", "<<EOT", "#", "//", "/*", "\u202e", "\x00"]),
    st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)),
)


def _closed_templates(text: str) -> bool:
    """python-hcl2 (8.1) cannot lex an escaped `$${` / `%%{` that no `}` follows; Terraform reads it fine."""
    return all("}" in text[i:] for i in range(len(text)) if text.startswith(("${", "%{"), i))


_HOSTILE = st.lists(_PIECES, max_size=20).map("".join).filter(_closed_templates)


@settings(max_examples=60, deadline=None)
@given(bucket=_HOSTILE, region=_HOSTILE, key=_HOSTILE)
def test_backend_snippet_parses_and_round_trips_hostile_strings(bucket: str, region: str, key: str) -> None:
    snippet = backend_snippet(bucket, region, key)
    parsed = hcl2.loads(snippet)
    (terraform,) = parsed["terraform"]
    (backend,) = terraform["backend"]
    assert list(backend) == ['"s3"']
    settings_ = backend['"s3"']
    read_back = {name: hcl_string(settings_[name]) for name in ("bucket", "key", "region")}
    assert read_back == {"bucket": bucket, "key": key, "region": region}
    assert settings_["encrypt"] is True and settings_["use_lockfile"] is True
    assert snippet.count("\n") == 9  # one line per attribute: nothing a value holds starts a line of its own


def test_backend_snippet_is_what_terraform_fmt_writes() -> None:
    assert backend_snippet("my-state", "eu-west-1", "team/app/terraform.tfstate") == (
        "terraform {\n"
        '  backend "s3" {\n'
        '    bucket       = "my-state"\n'
        '    key          = "team/app/terraform.tfstate"\n'
        '    region       = "eu-west-1"\n'
        "    encrypt      = true\n"
        "    use_lockfile = true\n"
        "  }\n"
        "}\n"
    )
