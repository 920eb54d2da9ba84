"""boto3 for day-2 commands: one session per region, AWS errors turned into ekstf errors.

Missing or rejected credentials are the user's to fix (exit 2, with a hint), like `ekstf migrate --live`;
a denied or failing call is a tool failure (exit 1) naming the call. APIs an endpoint lacks (emulators,
partitions) raise `Unavailable` for the caller to degrade gracefully.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from generator.aws_credentials import ACCESS_DENIED, BAD_CREDENTIALS, CREDENTIALS_HINT
from generator.errors import Problem, ToolError, UserInputError
from generator.migrate.aws import THROTTLED, UNAVAILABLE, Unavailable

__all__ = ["Unavailable", "call", "client", "items", "make_session"]

NOT_FOUND = {"ResourceNotFoundException", "NotFoundException", "LoadBalancerNotFound", "InvalidGroup.NotFound"}


class NotFound(Exception):
    """The AWS object does not exist (the caller decides what that means)."""


def make_session(region: str) -> Any:
    import boto3
    from botocore.exceptions import BotoCoreError, ProfileNotFound

    try:
        return boto3.session.Session(region_name=region)
    except ProfileNotFound as error:
        raise UserInputError(Problem(str(error), hint="check AWS_PROFILE and ~/.aws/config")) from None
    except BotoCoreError as error:
        raise UserInputError(Problem(f"cannot set up AWS access: {error}", hint=CREDENTIALS_HINT)) from None


def client(session: Any, service: str) -> Any:
    from botocore.config import Config

    config = Config(retries={"mode": "adaptive", "total_max_attempts": 10}, connect_timeout=10, read_timeout=60)
    return session.client(service, config=config)


def call(action: str, function: Callable[..., Any], /, *, optional: bool = False, **kwargs: Any) -> Any:
    """Run one AWS call. Raises UserInputError (credentials), NotFound, Unavailable (optional APIs) or ToolError."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        CredentialRetrievalError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
        SSOError,
        TokenRetrievalError,
    )

    try:
        return function(**kwargs)
    except (NoCredentialsError, PartialCredentialsError):
        raise UserInputError(Problem(f"no AWS credentials found for {action}", hint=CREDENTIALS_HINT)) from None
    except (CredentialRetrievalError, TokenRetrievalError, SSOError) as error:
        raise UserInputError(
            Problem(f"no usable AWS credentials for {action}: {error}", hint=CREDENTIALS_HINT)
        ) from None
    except NoRegionError:
        raise UserInputError(Problem("no AWS region", hint="set cluster.region in the spec")) from None
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        message = str(error.response.get("Error", {}).get("Message", "")).strip()
        if code in BAD_CREDENTIALS:
            raise UserInputError(
                Problem(f"AWS rejected the credentials ({code}): {message}", hint="refresh them (aws sso login)")
            ) from None
        if code in NOT_FOUND or code.endswith(".NotFound"):
            raise NotFound(message or code) from None
        if code in ACCESS_DENIED:
            raise ToolError(f"AWS denied {action} ({code}): {message}") from None
        if code in THROTTLED:
            raise ToolError(f"AWS kept throttling {action} after 10 attempts with backoff: try again later") from None
        if optional and (code in UNAVAILABLE or not message or message.lstrip().startswith("<")):
            raise Unavailable(f"{action} is not available at this endpoint ({code or 'no error code'})") from None
        raise ToolError(f"{action} failed ({code}): {message.splitlines()[0] if message else ''}") from None
    except EndpointConnectionError as error:
        raise ToolError(f"cannot reach AWS for {action}: {error}") from None
    except BotoCoreError as error:
        raise ToolError(f"{action} failed: {error}") from None


def items(
    action: str, aws_client: Any, operation: str, key: str, optional: bool = False, **kwargs: Any
) -> Iterator[Any]:
    """Every item under `key` of a (possibly paginated) list operation."""
    if aws_client.can_paginate(operation):
        pages = call(action, lambda: list(aws_client.get_paginator(operation).paginate(**kwargs)), optional=optional)
        for page in pages:
            yield from page.get(key, [])
    else:
        yield from call(action, getattr(aws_client, operation), optional=optional, **kwargs).get(key, [])
