"""Every way a Kubernetes request fails, as one sentence a notebook user can act on.

The API server's own `Status.message` is precise (`secrets "db" already exists`, `... cannot
create resource "secrets" in API group "" in the namespace "team-a"`), so it is kept and framed
by what was attempted. Nothing here ever holds a Secret's value: requests that carry one are
described by name, and the API server does not echo data in its messages.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from typing import Any

#: Status codes worth another try: throttling, and transient failures of the API server.
TRANSIENT = {500, 502, 503, 504}


class KubeError(Exception):
    """A failed Kubernetes request: `str()` is the sentence shown to the user."""

    def __init__(
        self,
        sentence: str,
        *,
        status: int = 0,
        reason: str = "",
        retry_after: float | None = None,
        causes: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(sentence)
        #: HTTP status; 0 when no answer came (unreachable, timed out).
        self.status = status
        #: The Status object's `reason` (AlreadyExists, Conflict, Forbidden, Invalid...).
        self.reason = reason
        self.retry_after = retry_after
        #: `Status.details.causes` of a 422 (field and message; no values).
        self.causes = causes or []

    def retryable(self, idempotent: bool) -> bool:
        if self.status == 429:
            return True  # refused before it was processed
        return idempotent and (self.status == 0 or self.status in TRANSIENT)


class KubeUnavailable(Exception):
    """This server cannot talk to the Kubernetes API at all (the reason, as a clause)."""


def _status_of(body: Any) -> dict[str, Any]:
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if isinstance(body, str):
        try:
            parsed = json.loads(body)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) and parsed.get("kind") == "Status" else {}
    return {}


def _retry_after(headers: Any) -> float | None:
    if not headers:
        return None
    value = headers.get("Retry-After") if hasattr(headers, "get") else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def describe_failure(error: BaseException, action: str, server: str, timeout: float) -> KubeError:
    """The `KubeError` for an exception raised while trying to `action`."""
    if isinstance(error, KubeError):
        return error
    status = getattr(error, "status", None)
    if isinstance(status, int) and status > 0:
        return _http_failure(error, status, action)
    if isinstance(error, asyncio.TimeoutError):
        sentence = f"did not answer within {timeout:g} s"
    elif isinstance(error, ssl.SSLError) or "SSL" in type(error).__name__:
        sentence = "could not be verified with this pod's CA certificate"
    else:  # aiohttp's connection errors: refused, reset, no route, DNS
        sentence = "could not be reached"
    return KubeError(f"The Kubernetes API at {server} {sentence} (trying to {action}).")


def _http_failure(error: BaseException, status: int, action: str) -> KubeError:
    """An answer with an error status: the API server's own Status message, framed."""
    detail = _status_of(getattr(error, "body", None))
    message = str(detail.get("message", "")).strip().rstrip(".")
    reason = str(detail.get("reason", ""))
    retry = _retry_after(getattr(error, "headers", None))
    what = f"{message}." if message else f"the API server answered {status}."
    if status == 401:
        sentence = (
            "The Kubernetes API did not accept this pod's service-account token "
            f"(trying to {action})."
        )
    elif status == 403:
        sentence = f"Not allowed to {action}: {what}"
    elif status == 404 and not detail:
        # No Status object: the path is not served at all (a CRD that is not installed).
        sentence = (
            f"The Kubernetes API does not serve this kind of object (trying to {action}): "
            "is the platform's CustomResourceDefinition installed?"
        )
    elif status == 413:
        sentence = f"Could not {action}: the request is too large for the API server."
    elif status == 422:
        sentence = f"Kubernetes refused to {action}: {what}"
    elif status == 429:
        later = f"in {retry:g} s" if retry is not None else "later"
        sentence = f"The Kubernetes API is too busy to {action} (429); try again {later}."
    elif status < 500:
        sentence = f"Could not {action}: {what}"
    else:
        sentence = f"The Kubernetes API failed to {action} ({status} {reason or 'error'}): {what}"
    causes = [
        {"field": str(c.get("field", "")), "message": str(c.get("message", ""))}
        for c in (detail.get("details") or {}).get("causes", [])
        if isinstance(c, dict)
    ]
    return KubeError(sentence, status=status, reason=reason, retry_after=retry, causes=causes)
