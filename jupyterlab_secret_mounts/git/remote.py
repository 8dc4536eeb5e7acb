"""Git hosts a credential is for: `https://github.com`, `http://127.0.0.1:9095`.

Git matches `credential.<url>.*` sections by scheme, host and port; so does the helper, as a
second check, before it answers. Plain http sends the token in clear, so it is refused except
to this machine (a git server on loopback, as in tests or a port-forward).
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from dataclasses import dataclass

DEFAULT_PORTS = {"https": 443, "http": 80}

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_NAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")

#: A git user name: what goes before the `:` of basic auth; nothing git's protocol would split.
_USERNAME = re.compile(r"^[^\s:\x00-\x1f\x7f]{1,256}$")


class BadRemote(ValueError):
    """A host or user name that cannot be used (the message says why, for the user)."""


@dataclass(frozen=True)
class GitHost:
    scheme: str
    host: str
    port: int | None = None

    @property
    def url(self) -> str:
        """The `credential.<url>` subsection: scheme, host and a non-default port."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = f":{self.port}" if self.port is not None else ""
        return f"{self.scheme}://{host}{port}"

    @property
    def netloc(self) -> str:
        """What git sends as `host=` in the credential protocol (port included when given)."""
        return self.url.split("://", 1)[1]

    def asked_by(self, protocol: str, host: str) -> bool:
        """Whether a credential request (`protocol=`, `host=`) is for this host."""
        try:
            asked = parse_host(f"{protocol}://{host}", allow_any_scheme=True)
        except BadRemote:
            return False
        return (asked.scheme, asked.host, asked.effective_port) == (
            self.scheme,
            self.host,
            self.effective_port,
        )

    @property
    def effective_port(self) -> int:
        return self.port if self.port is not None else DEFAULT_PORTS[self.scheme]


def parse_host(text: str, *, allow_any_scheme: bool = False) -> GitHost:
    """`github.com`, `https://github.com/`, `gitlab.example.com:8443`, `http://127.0.0.1:9095`.

    No user name or token, no path: git credentials here are per host.
    """
    given = text.strip()
    if not given:
        raise BadRemote("Give a host, such as github.com.")
    if "://" not in given:
        given = f"https://{given}"
    try:
        parts = urllib.parse.urlsplit(given)
        port = parts.port
    except ValueError:
        raise BadRemote(f"{text!r} is not a host or https URL.") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise BadRemote("Git credentials are for https (or http to this machine) hosts.")
    if parts.username is not None or parts.password is not None:
        raise BadRemote("Leave the user name and token out of the host.")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise BadRemote("Give the host only (https://host[:port]), not a repository path.")
    host = (parts.hostname or "").lower()
    if not host or not (_HOST_NAME.match(host) or _is_ip(host)):
        raise BadRemote(f"{text!r} has no valid host name.")
    if port is not None and port == DEFAULT_PORTS[scheme]:
        port = None
    found = GitHost(scheme, host, port)
    if scheme == "http" and not allow_any_scheme and not is_loopback(host):
        raise BadRemote(
            "Plain http would send the token unencrypted; use https "
            "(http is accepted only for a git server on this machine)."
        )
    return found


def check_username(name: str) -> str:
    if not _USERNAME.match(name):
        raise BadRemote(
            "The user name must be 1 to 256 characters, without spaces, colons or control "
            "characters."
        )
    return name


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
