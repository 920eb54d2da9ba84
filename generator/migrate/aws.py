"""boto3 access for live migration: clients with retries, and AWS errors turned into ekstf errors.

Throttling is retried by botocore (adaptive mode, 10 attempts); what still fails becomes a `ToolError` (exit 1).
Missing or expired credentials and an unknown cluster are the user's to fix: `UserInputError` (exit 2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.aws_credentials import ACCESS_DENIED, BAD_CREDENTIALS
from generator.errors import Problem, ToolError, UserInputError

THROTTLED = {"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"}
# What an endpoint answers for an API it does not implement (emulators, partitions without the API).
UNAVAILABLE = {"404", "UnknownOperationException", "NotImplemented", "InvalidAction", "UnsupportedOperation"}


class Unavailable(Exception):
    """An optional API the endpoint does not offer."""


@dataclass
class Clients:
    eks: Any
    iam: Any
    ec2: Any
    cloudformation: Any
    logs: Any
    sts: Any
    region: str


def make_clients(region: str, session: Any = None) -> Clients:
    import boto3
    from botocore.config import Config

    config = Config(
        region_name=region,
        retries={"mode": "adaptive", "total_max_attempts": 10},
        connect_timeout=10,
        read_timeout=60,
        user_agent_extra="ekstf-migrate",
    )
    from botocore.exceptions import BotoCoreError, ProfileNotFound

    try:
        session = session or boto3.session.Session(region_name=region)

        def client(name: str) -> Any:
            return session.client(name, config=config)

        return Clients(
            eks=client("eks"),
            iam=client("iam"),
            ec2=client("ec2"),
            cloudformation=client("cloudformation"),
            logs=client("logs"),
            sts=client("sts"),
            region=region,
        )
    except ProfileNotFound as error:
        raise UserInputError(Problem(str(error), hint="check AWS_PROFILE / --profile and ~/.aws/config")) from None
    except BotoCoreError as error:
        raise UserInputError(
            Problem(f"cannot set up AWS clients: {error}", hint="check your AWS configuration")
        ) from None


def call(
    action: str, function: Callable[..., Any], optional: bool = False, not_found: Problem | None = None, **kwargs: Any
) -> Any:
    """Run one AWS call; errors become ekstf errors (or `Unavailable` for an optional API the endpoint lacks).

    `not_found`: the problem to report (exit 2) when AWS says the resource does not exist.
    """
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
    )

    try:
        return function(**kwargs)
    except (NoCredentialsError, PartialCredentialsError):
        raise UserInputError(
            Problem(
                "no AWS credentials found",
                hint="set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run `aws sso login`",
            )
        ) from None
    except NoRegionError:
        raise UserInputError(Problem("no AWS region", hint="pass --region")) from None
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        message = str(error.response.get("Error", {}).get("Message", "")).strip()
        if code in BAD_CREDENTIALS:
            raise UserInputError(
                Problem(f"AWS rejected the credentials ({code}): {message}", hint="refresh them (aws sso login)")
            ) from None
        if not_found is not None and code in ("ResourceNotFoundException", "NoSuchEntity", "NotFoundException"):
            raise UserInputError(not_found) from None
        if code in ACCESS_DENIED:
            raise ToolError(
                f"AWS denied {action} ({code}): {message}\n"
                "hint: ekstf migrate needs read access to EKS, IAM, EC2, CloudFormation and CloudWatch Logs "
                "(e.g. the ReadOnlyAccess managed policy)"
            ) from None
        if code in THROTTLED:
            raise ToolError(f"AWS kept throttling {action} after 10 attempts with backoff: try again later") from None
        if optional and (code in UNAVAILABLE or not message.strip() or message.lstrip().startswith("<")):
            raise Unavailable(f"{action} is not available at this endpoint ({code})") from None
        if optional and code in UNAVAILABLE:
            raise Unavailable(action) from None
        short = message.splitlines()[0] if message else ""
        raise ToolError(f"{action} failed ({code}): {short}") from None
    except EndpointConnectionError as error:
        raise ToolError(f"cannot reach AWS for {action}: {error}") from None
    except BotoCoreError as error:
        raise ToolError(f"{action} failed: {error}") from None


def pages(action: str, client: Any, operation: str, key: str, optional: bool = False, **kwargs: Any) -> Iterator[Any]:
    """All items under `key` of a paginated (or, without a paginator, token-driven) list operation."""
    if client.can_paginate(operation):
        paginator = client.get_paginator(operation)
        iterator = call(action, lambda: iter(paginator.paginate(**kwargs)), optional)
        while True:
            page = call(action, lambda: next(iterator, None), optional)
            if page is None:
                return
            yield from page.get(key, [])
    else:
        yield from call(action, getattr(client, operation), optional, **kwargs).get(key, [])
