"""Bearer tokens for the local server, signed and verified as Cognito and API Gateway would.

The RSA key pair lives on disk (``.canger/jwt-signing-key.pem`` in the project directory, or ``$CANGER_HOME``),
so tokens printed yesterday still work after a restart. Claims follow Cognito's ID tokens::

    {"sub", "cognito:groups": [role], "custom:community_id", "custom:street_id", "iss", "aud", "iat", "exp"}
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from services.common.domain.auth import COMMUNITY_CLAIM, GROUPS_CLAIM, STREET_CLAIM, Role

ISSUER = "https://canger.local/issuer"
AUDIENCE = "canger-local"
ALGORITHM = "RS256"
DEFAULT_TTL_SECONDS = 7 * 24 * 3600


# The project's own .canger/, wherever the command runs from (not the current directory: `canger token`
# run from elsewhere would make a new key there, and its tokens would not verify).
PROJECT_HOME = Path(__file__).resolve().parents[1] / ".canger"


def home() -> Path:
    return Path(os.environ.get("CANGER_HOME", PROJECT_HOME))


def cursor_key() -> str:
    """The local server's cursor-signing key, kept beside the JWT key so cursors survive a restart."""
    path = home() / "cursor-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(secrets.token_urlsafe(32))
        tmp.chmod(0o600)
        with contextlib.suppress(FileExistsError):  # another process wrote it first: use theirs
            os.link(tmp, path)
        tmp.unlink()
    return path.read_text().strip()


def _private_key() -> rsa.RSAPrivateKey:
    return _private_key_in(home())


@cache
def _private_key_in(directory: Path) -> rsa.RSAPrivateKey:
    path = directory / "jwt-signing-key.pem"
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    # Write atomically with owner-only permissions: two processes starting at once must agree on one key.
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(pem)
    tmp.chmod(0o600)
    try:
        os.link(tmp, path)
    except FileExistsError:
        tmp.unlink()
        _private_key_in.cache_clear()
        return _private_key_in(directory)
    tmp.unlink()
    return key


def issue(
    role: Role,
    *,
    community_id: str | None = None,
    street_id: str | None = None,
    sub: str | None = None,
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
    key_home: Path | None = None,
) -> str:
    """A signed token. ``key_home``: the directory holding the signing key (default ``home()``)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": sub or f"local-{role.value}-{uuid.uuid4().hex[:8]}",
        GROUPS_CLAIM: [role.value],
        "iss": ISSUER,
        "aud": AUDIENCE,
        "token_use": "id",
        "iat": now,
        "exp": now + ttl_seconds,
    }
    if community_id:
        claims[COMMUNITY_CLAIM] = community_id
    if street_id:
        claims[STREET_CLAIM] = street_id
    key = _private_key_in(key_home) if key_home else _private_key()
    return jwt.encode(claims, key, algorithm=ALGORITHM)


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class Verifier:
    """Checks signature, issuer, audience and expiry, like API Gateway's JWT authorizer."""

    def claims(self, token: str) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                _private_key().public_key(),
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                audience=AUDIENCE,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(type(error).__name__) from error


def as_gateway_claims(claims: dict[str, Any]) -> dict[str, str]:
    """Claims as API Gateway hands them to Lambda: every value a string, lists as ``"[a b]"``."""
    rendered: dict[str, str] = {}
    for name, value in claims.items():
        if isinstance(value, list):
            rendered[name] = "[" + " ".join(str(v) for v in value) + "]"
        else:
            rendered[name] = str(value)
    return rendered
