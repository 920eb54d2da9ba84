"""`bootstrap-state`: the S3 bucket for Terraform state, created and hardened idempotently with boto3.

Versioning on, default encryption (SSE-S3, or SSE-KMS with a key), all public access blocked, and a bucket
policy that denies any request not made over TLS. Locking uses S3 itself (`use_lockfile = true`), so no
DynamoDB table is needed. Honours AWS_ENDPOINT_URL (boto3 does) and the usual AWS credential chain.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from generator.errors import Problem, ToolError, UserInputError
from generator.generate.hcl import Block, Expr, align, quote, render_block
from generator.runner.credentials import is_rejected_code, no_credentials, rejected_credentials, unknown_profile

POLICY_SID = "DenyInsecureTransport"
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


@dataclass
class BootstrapReport:
    bucket: str
    region: str
    actions: list[str] = field(default_factory=list)

    def did(self, action: str) -> None:
        self.actions.append(action)


def tls_only_policy(bucket: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": POLICY_SID,
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def _aws_error(error: Exception, doing: str) -> ToolError:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        err = response.get("Error") or {}
        return ToolError(f"AWS refused to {doing}: {err.get('Code', '?')}: {err.get('Message', error)}")
    return ToolError(f"could not {doing}: {error}")


def bootstrap_state_bucket(
    bucket: str, region: str, *, kms_key_id: str | None = None, tls_policy: bool = True
) -> BootstrapReport:
    """Make sure `bucket` exists in `region` with the settings above; says what it changed.

    `tls_policy=False` leaves out the TLS-only policy: only for S3 emulators reached over plain HTTP,
    which enforce the policy and would then refuse every request.
    """
    import boto3
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        CredentialRetrievalError,
        NoCredentialsError,
        PartialCredentialsError,
        ProfileNotFound,
        SSOError,
        TokenRetrievalError,
    )

    check_bucket_name(bucket)
    report = BootstrapReport(bucket, region)
    try:
        s3 = boto3.client("s3", region_name=region)
        _ensure_bucket(s3, bucket, region, report)
        _ensure_versioning(s3, bucket, report)
        _ensure_encryption(s3, bucket, kms_key_id, report)
        _ensure_public_access_block(s3, bucket, report)
        if tls_policy:
            _ensure_tls_policy(s3, bucket, report)
        else:
            report.did("WARNING: no TLS-only bucket policy (--insecure-transport); use this only with an S3 emulator")
    except ProfileNotFound as error:
        raise unknown_profile(error) from None
    except (NoCredentialsError, PartialCredentialsError):
        raise no_credentials(f"set up bucket {bucket}") from None
    except (CredentialRetrievalError, TokenRetrievalError, SSOError) as error:
        raise no_credentials(f"set up bucket {bucket}", f": {error}") from None
    except ClientError as error:
        if is_rejected_code(_error_code(error)):
            message = str((error.response.get("Error") or {}).get("Message", "")).strip()
            said = f": {message}" if message else ""
            raise rejected_credentials(f"set up bucket {bucket}", _error_code(error), said) from None
        raise _aws_error(error, f"set up bucket {bucket}") from None
    except BotoCoreError as error:
        raise _aws_error(error, f"reach S3 for bucket {bucket}") from None
    return report


def check_bucket_name(bucket: str) -> None:
    """S3's general-purpose bucket naming rules, checked before AWS is asked."""
    if not _BUCKET_NAME.match(bucket) or ".." in bucket or re.fullmatch(r"\d+\.\d+\.\d+\.\d+", bucket):
        raise UserInputError(
            Problem(
                f"{bucket!r} is not a valid S3 bucket name",
                key_path="--bucket",
                expected="3-63 characters: lowercase letters, digits, dots and hyphens; "
                "starting and ending with a letter or digit; not an IP address",
            )
        )


def _error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str((response.get("Error") or {}).get("Code", ""))


def _ensure_bucket(s3: Any, bucket: str, region: str, report: BootstrapReport) -> None:
    from botocore.exceptions import ClientError

    try:
        s3.head_bucket(Bucket=bucket)
        report.did(f"bucket {bucket} already exists")
        return
    except ClientError as error:
        if _error_code(error) not in ("404", "NoSuchBucket", "NotFound"):
            if _error_code(error) in ("403", "Forbidden"):
                raise ToolError(
                    f"bucket {bucket} exists but belongs to someone else or you lack access (403)"
                ) from None
            raise
    # us-east-1 is the one region that rejects a LocationConstraint naming itself.
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    report.did(f"created bucket {bucket} in {region}")


def _ensure_versioning(s3: Any, bucket: str, report: BootstrapReport) -> None:
    if s3.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled":
        report.did("versioning already enabled")
        return
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    report.did("enabled versioning")


def _ensure_encryption(s3: Any, bucket: str, kms_key_id: str | None, report: BootstrapReport) -> None:
    from botocore.exceptions import ClientError

    wanted: dict[str, Any] = (
        {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": kms_key_id} if kms_key_id else {"SSEAlgorithm": "AES256"}
    )
    try:
        rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
        current = rules[0].get("ApplyServerSideEncryptionByDefault", {}) if rules else {}
    except ClientError as error:
        if _error_code(error) != "ServerSideEncryptionConfigurationNotFoundError":
            raise
        current = {}
    if current == wanted:
        report.did(f"default encryption already {wanted['SSEAlgorithm']}")
        return
    rule: dict[str, Any] = {"ApplyServerSideEncryptionByDefault": wanted}
    if kms_key_id:
        rule["BucketKeyEnabled"] = True
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]})
    report.did(f"set default encryption {wanted['SSEAlgorithm']}")


_BLOCK_ALL = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def _ensure_public_access_block(s3: Any, bucket: str, report: BootstrapReport) -> None:
    from botocore.exceptions import ClientError

    try:
        current = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    except ClientError as error:
        if _error_code(error) != "NoSuchPublicAccessBlockConfiguration":
            raise
        current = {}
    if all(current.get(k) for k in _BLOCK_ALL):
        report.did("public access already blocked")
        return
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=_BLOCK_ALL)
    report.did("blocked all public access")


def _ensure_tls_policy(s3: Any, bucket: str, report: BootstrapReport) -> None:
    from botocore.exceptions import ClientError

    try:
        policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    except ClientError as error:
        if _error_code(error) != "NoSuchBucketPolicy":
            raise
        policy = {"Version": "2012-10-17", "Statement": []}
    statements = policy.get("Statement") or []
    if any(isinstance(s, dict) and s.get("Sid") == POLICY_SID for s in statements):
        report.did("TLS-only bucket policy already present")
        return
    policy["Statement"] = [*statements, *tls_only_policy(bucket)["Statement"]]
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    report.did("added TLS-only bucket policy (denies aws:SecureTransport=false)")


def backend_snippet(bucket: str, region: str, key: str) -> str:
    """The backend block that uses this bucket, with S3-native locking.

    Written by the generator's HCL writer: each string is quoted (never a heredoc: Terraform's backend block takes
    literals), so no bucket, key or region text can break out of its value.
    """
    backend = {
        "bucket": Expr(quote(bucket)),
        "key": Expr(quote(key)),
        "region": Expr(quote(region)),
        "encrypt": True,
        "use_lockfile": True,
    }
    return align(render_block(Block("terraform", {"backend": Block("backend", backend, labels=("s3",))}))) + "\n"
