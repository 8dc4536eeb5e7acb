"""`git-credential-secret-mounts`: git's credential helper that reads a mounted key.

git runs it when it needs a password for a host (`get`), and again after a push or fetch to
say the credential worked (`store`) or failed (`erase`). Only `get` does anything: it reads the
key at that moment, through `..data`, so a rotated Secret is used as soon as kubelet has
swapped it in; `store` and `erase` are ignored, so nothing is ever written.

It answers only
- for the host it was set up for (protocol, host and port of git's request; it stays silent
  for any other, as if it were not there),
- for the user name it was set up with (or when git names none),
- with a key that discovery finds under the server's policy (`policy.py`): a folder outside
  the configured roots and mounts, an excluded one, or a symlink out of the folder is refused.

Refusals say why on stderr (never the value) and tell git to stop (`quit=1`), so it fails
with that message instead of prompting in a terminal nobody sees.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from ..mounts.provenance import PodProvenance, SecretSource
from ..mounts.service import KeyNotFound, KeyUnreadable, SecretMountsService
from . import policy as helper_policy
from .remote import BadRemote, parse_host

PREFIX = "git-credential-secret-mounts"


class Refused(Exception):
    """Why the helper gives git nothing (for stderr; never holds a value)."""


class NotOurs(Exception):
    """A request for another host: not this helper's business (git asks the next one)."""


class _NoProvenance(PodProvenance):
    """The helper has no use for which Secret backs a folder: no API call."""

    def snapshot(self) -> dict[str, SecretSource]:
        return {}


def read_request(stream: IO[str]) -> dict[str, str]:
    """git's `key=value` lines up to a blank line or the end (repeated `[]` keys: last wins)."""
    request: dict[str, str] = {}
    for raw in stream:
        line = raw.rstrip("\n")
        if not line:
            break
        key, sep, value = line.partition("=")
        if sep:
            request[key] = value
    return request


def credential_for(args: argparse.Namespace, request: dict[str, str]) -> tuple[str, str]:
    """(username, password) for git, or Refused."""
    try:
        host = parse_host(args.url, allow_any_scheme=True)
    except BadRemote as error:
        raise Refused(f"bad --url: {error}") from None
    protocol, asked_host = request.get("protocol", ""), request.get("host", "")
    if not host.asked_by(protocol, asked_host):
        raise NotOurs
    asked_user = request.get("username")
    if asked_user and asked_user != args.username:
        raise Refused(f"set up for user {args.username!r}, git asked for {asked_user!r}")

    policy = helper_policy.read(Path(args.policy))
    if not policy.allow_git_credentials:
        raise Refused("the administrator turned git credentials off on this server")
    service = SecretMountsService(policy, provenance=_NoProvenance())
    try:
        value = service.read_value(args.mount, args.key)
    except KeyNotFound:
        raise Refused(
            f"{args.mount} has no key {args.key!r} among the secret folders the server's "
            "policy allows"
        ) from None
    except KeyUnreadable as error:
        raise Refused(f"{args.mount}/{args.key} cannot be read: {error}") from None
    return args.username, _password(value, f"{args.mount}/{args.key}")


def _password(value: bytes, where: str) -> str:
    """The key's text without surrounding whitespace (`echo` adds a newline nobody means)."""
    try:
        text = value.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise Refused(f"{where} is not text") from None
    if not text:
        raise Refused(f"{where} is empty")
    # A line break or NUL would let the file's content add fields to git's protocol.
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in text):  # noqa: PLR2004
        raise Refused(f"{where} holds control characters; git cannot use it as a password")
    return text


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PREFIX, description="git credential helper reading a mounted secret key."
    )
    parser.add_argument("--url", required=True, help="scheme://host[:port] it answers for")
    parser.add_argument("--mount", required=True, help="the secret folder, as discovered")
    parser.add_argument("--key", required=True, help="the key in that folder")
    parser.add_argument("--username", required=True, help="user name git sends")
    parser.add_argument(
        "--policy", default=str(helper_policy.default_path()), help="the server's policy file"
    )
    parser.add_argument("action", help="get, store or erase (git's credential protocol)")
    return parser.parse_args(argv)


def main(
    argv: Sequence[str] | None = None,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    args = parse_args(sys.argv[1:] if argv is None else argv)
    request = read_request(stdin)
    if args.action != "get":
        return 0  # store/erase: nothing is kept, so nothing to do
    try:
        username, password = credential_for(args, request)
    except NotOurs:
        return 0
    except (Refused, helper_policy.PolicyUnavailable) as reason:
        stderr.write(f"{PREFIX}: {reason}\n")
        stdout.write("quit=1\n")
        return 0
    stdout.write(f"username={username}\npassword={password}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
