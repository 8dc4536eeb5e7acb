"""What Kubernetes accepts as a Secret name, a key and a Secret's size, checked before sending.

The messages never repeat what was typed: people sometimes type a value where a name goes.
"""

from __future__ import annotations

import hashlib
import re

#: A Secret holds at most 1 MiB of data (keys and values).
MAX_SECRET_BYTES = 1024 * 1024

_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_KEY = re.compile(r"[-._a-zA-Z0-9]+")


class InvalidName(ValueError):
    """A name or key Kubernetes would refuse (the message says what is allowed)."""


def check_secret_name(name: str) -> None:
    if not name or len(name) > 253 or not _DNS_SUBDOMAIN.fullmatch(name):
        raise InvalidName(
            "A Secret name uses lower-case letters, digits, '-' and '.', starts and ends with a "
            "letter or digit, and has at most 253 characters."
        )


def check_key(key: str) -> None:
    if not key or len(key) > 253 or not _KEY.fullmatch(key) or key in (".", ".."):
        raise InvalidName(
            "A key uses letters, digits, '-', '_' and '.' (at most 253 characters), "
            "and is not '.' or '..'."
        )


def check_size(key: str, value: bytes) -> None:
    if len(key.encode()) + len(value) > MAX_SECRET_BYTES:
        raise InvalidName("A Kubernetes Secret holds at most 1 MiB; this value is larger.")


def short_name(base: str) -> str:
    """A DNS label (at most 63 characters) from a longer name, kept unique by a digest."""
    cleaned = re.sub(r"[^a-z0-9-]", "-", base).strip("-")
    if len(cleaned) <= 63:
        return cleaned
    digest = hashlib.sha256(base.encode()).hexdigest()[:8]
    return f"{cleaned[:54].rstrip('-')}-{digest}"
