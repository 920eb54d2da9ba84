"""Missing or rejected AWS credentials, whoever met them: exit 2 with the hint every AWS command gives.

boto3 raises typed errors (`bootstrap-state`); Terraform's AWS provider and S3 backend print a diagnostic
(`plan`, `apply`, `destroy`, `outputs`, `kubeconfig`). Either way the user has credentials to fix, as with
`ekstf status`, `scale` and `migrate --from-cluster` (generator.day2.aws, generator.migrate.aws).
"""

from __future__ import annotations

import re

from generator.aws_credentials import BAD_CREDENTIALS, CREDENTIALS_HINT, PROFILE_HINT, REFRESH_HINT
from generator.errors import Problem, UserInputError

# What aws-sdk-go-base (Terraform's AWS provider and S3 backend) says when the credential chain found nothing.
TERRAFORM_NO_CREDENTIALS = "No valid credential sources found"
_BAD_CREDENTIALS_CODE = re.compile(r"\b(" + "|".join(sorted(BAD_CREDENTIALS)) + r")\b")


def no_credentials(doing: str, said: str = "") -> UserInputError:
    return UserInputError(Problem(f"no AWS credentials found to {doing}{said}", hint=CREDENTIALS_HINT))


def rejected_credentials(doing: str, code: str, said: str = "") -> UserInputError:
    return UserInputError(Problem(f"AWS rejected the credentials to {doing} ({code}){said}", hint=REFRESH_HINT))


def unknown_profile(error: Exception) -> UserInputError:
    return UserInputError(Problem(str(error), hint=PROFILE_HINT))


def is_rejected_code(code: str) -> bool:
    return code in BAD_CREDENTIALS


def credentials_error_in_terraform_output(command: str, text: str) -> UserInputError | None:
    """The credentials problem Terraform's output reports, quoting it; None when it reports something else."""
    doing = f"run `terraform {command}`"
    start = text.find("Error:")  # Terraform's own words, without the CLI-config warnings before them
    said = f"; Terraform said:\n{text[start:].strip()}" if start >= 0 else ""
    if TERRAFORM_NO_CREDENTIALS in text:
        return no_credentials(doing, said)
    found = _BAD_CREDENTIALS_CODE.search(text)
    if found:
        return rejected_credentials(doing, found.group(1), said)
    return None
