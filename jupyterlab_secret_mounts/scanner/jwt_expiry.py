"""Expiry of a JSON Web Token, as `src/scanner/jwtexpiry.ts`.

A token whose `exp` claim (seconds since the epoch) is past grants nothing, as an expired signed
URL grants nothing.
"""

from __future__ import annotations

import base64
import re

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,3000}[.](eyJ[A-Za-z0-9_-]{8,6000})[.][A-Za-z0-9_-]{16,1500}")
_EXP = re.compile(r'"exp"[ \t\r\n]{0,8}:[ \t\r\n]{0,8}([0-9]{1,12})(?![0-9.eE])')


def jwt_expired(value: str, now: float) -> bool:
    """Whether a JWT's payload `exp` is before `now` (seconds since the epoch).

    A value that is not a JWT, or a token without `exp`, is not expired.
    """
    if not value.startswith("eyJ"):
        return False
    token = _JWT.fullmatch(value)
    if token is None:
        return False
    body = token.group(1)
    if len(body) % 4 == 1:
        body = body[:-1]  # six bits that make no byte, as the TypeScript decoder drops them
    payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("latin-1")
    exp = _EXP.search(payload)
    return exp is not None and int(exp.group(1)) < now
