"""What every AWS command says when the credentials are missing or rejected (all exit 2: the user has them to fix)."""

from __future__ import annotations

CREDENTIALS_HINT = "set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run `aws sso login`"
REFRESH_HINT = "refresh them (aws sso login)"
PROFILE_HINT = "check AWS_PROFILE and ~/.aws/config"

# AWS error codes: the caller's credentials are missing a signature, expired or unknown (fix them: exit 2) ...
BAD_CREDENTIALS = frozenset(
    {
        "AuthFailure",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
    }
)
# ... or valid but not allowed to make the call (a permission or account set-up to change).
ACCESS_DENIED = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedException", "OptInRequired"}
)
