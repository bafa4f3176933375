"""Authentication of calls to the simulated Jira, as Jira Cloud does it.

Atlassian Connect JWT (README "Authentication"): `Authorization: JWT <token>` or `?jwt=`;
HS256 only; `iss` is the app key of an app installed on the site; signature with that
installation's shared secret; `exp` and `iat` required, `exp`/`nbf` checked with 30 s leeway;
`qsh` must equal the hash of this request (the fixed value "context-qsh" is refused on REST).
Basic auth: `email:api_token` of a user of the site.
"""
from __future__ import annotations

import base64
import binascii
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any, Optional

import jwt as pyjwt

from . import qsh as qshmod

LEEWAY_SECONDS = 30  # atlassian-jwt's JwtConstants.TIME_CLAIM_LEEWAY_SECONDS


class AuthError(Exception):
    """Authentication failed: Jira answers 401."""

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.detail = detail or message


@dataclass
class Principal:
    kind: str                     # "jwt" | "basic"
    account_id: str
    app_key: Optional[str] = None
    claims: dict[str, Any] = field(default_factory=dict)


def _b64json(segment: str) -> Any:
    padded = segment + "=" * (-len(segment) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))


def extract_jwt(headers, query_pairs: list[tuple[str, str]]) -> Optional[str]:
    auth = headers.get("Authorization")
    if auth and auth.startswith("JWT "):
        return auth[4:].strip()
    for name, value in query_pairs:
        if name == qshmod.JWT_PARAM:
            return value
    return None


def verify_connect_jwt(token: str, site, method: str, relative_path: str,
                       query_pairs: list[tuple[str, str]], now: float | None = None) -> Principal:
    now = time.time() if now is None else now
    parts = token.split(".")
    if len(parts) != 3:
        raise AuthError("Authentication failed", "JWT is not three base64url segments")
    try:
        header = _b64json(parts[0])
        unverified = _b64json(parts[1])
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise AuthError("Authentication failed", f"JWT header or claims are not base64url JSON: {exc}")
    if not isinstance(header, dict) or not isinstance(unverified, dict):
        raise AuthError("Authentication failed", "JWT header or claims are not JSON objects")
    if header.get("alg") != "HS256":
        raise AuthError("Authentication failed", f"JWT algorithm {header.get('alg')!r} is not accepted (HS256 only)")
    issuer = unverified.get("iss")
    if not isinstance(issuer, str):
        raise AuthError("Authentication failed", "JWT has no 'iss' claim")
    app = site.apps.get(issuer)
    if app is None:
        known_client = any(a.client_key == issuer for a in site.apps.values())
        hint = " (that is the site's clientKey; an app's JWT names its app key as 'iss')" if known_client else ""
        raise AuthError("Authentication failed", f"JWT issuer {issuer!r} is not an app installed on this site{hint}")
    if not app.installed:
        raise AuthError("Authentication failed", f"app {issuer!r} is not installed")
    try:
        claims = pyjwt.decode(token, app.shared_secret, algorithms=["HS256"],
                              options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                                       "verify_aud": False, "verify_iss": False})
    except pyjwt.InvalidSignatureError:
        raise AuthError("Authentication failed", "JWT signature does not verify with the shared secret")
    except pyjwt.PyJWTError as exc:
        raise AuthError("Authentication failed", f"JWT rejected: {exc}")
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, (int, float)) or not isinstance(iat, (int, float)) or isinstance(exp, bool) or isinstance(iat, bool):
        raise AuthError("Authentication failed", "'exp' and 'iat' are required numeric claims")
    if exp < now - LEEWAY_SECONDS:
        raise AuthError("Authentication failed", f"JWT expired at {int(exp)} (now {int(now)}, leeway {LEEWAY_SECONDS}s)")
    nbf = claims.get("nbf")
    if isinstance(nbf, (int, float)) and nbf > now + LEEWAY_SECONDS:
        raise AuthError("Authentication failed", "JWT is not valid yet ('nbf')")
    claimed = claims.get("qsh")
    if not isinstance(claimed, str):
        raise AuthError("Authentication failed", "JWT has no 'qsh' claim")
    if claimed == "context-qsh":
        raise AuthError("Authentication failed", "a context JWT (qsh 'context-qsh') cannot call the REST API")
    expected_request = qshmod.canonical_request(method, relative_path, query_pairs)
    expected = qshmod.query_string_hash(method, relative_path, query_pairs)
    if not hmac.compare_digest(claimed, expected):
        raise AuthError("Authentication failed",
                        f"qsh does not match the request; canonical request is {expected_request!r}")
    return Principal(kind="jwt", account_id=app.account_id, app_key=app.key, claims=claims)


def verify_basic(value: str, site) -> Principal:
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise AuthError("Authentication failed", "Basic credentials are not base64 of UTF-8")
    email, sep, token = decoded.partition(":")
    if not sep:
        raise AuthError("Authentication failed", "Basic credentials have no ':'")
    for user in site.users.values():
        if user.email and user.email.lower() == email.lower() and any(
                hmac.compare_digest(token.encode(), t.encode()) for t in user.api_tokens):
            if not user.active:
                raise AuthError("Authentication failed", "user is inactive")
            return Principal(kind="basic", account_id=user.account_id)
    raise AuthError("Authentication failed", "unknown email or API token")


def authenticate(site, headers, method: str, relative_path: str, query_pairs) -> Optional[Principal]:
    """The principal of this request; None when it carries no credentials; AuthError when bad."""
    token = extract_jwt(headers, query_pairs)
    if token is not None:
        return verify_connect_jwt(token, site, method, relative_path, query_pairs)
    auth = headers.get("Authorization")
    if auth is None:
        return None
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "basic":
        return verify_basic(value, site)
    raise AuthError("Authentication failed", f"unsupported Authorization scheme {scheme!r}")
