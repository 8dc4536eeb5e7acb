"""Use for git: which mounted key git reads as its password for which host (`/secret-mounts/git`).

git's own config is the record: the panel lists our helper lines from it, so what it shows is
what git does, and a line removed by hand disappears from the panel too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..mounts.service import KeyNotFound, SecretMountsService
from . import command
from . import policy as helper_policy
from .gitconfig import GitConfig, GitUnavailable, helper_chain
from .remote import BadRemote, GitHost, check_username, parse_host


class GitCredentialsOff(Exception):
    """The administrator turned the feature off."""


class NotAKey(Exception):
    """Not a readable key of a discovered secret folder."""


@dataclass
class GitCredential:
    """One host set up to read a key (`IGitCredential`)."""

    url: str
    username: str
    mount: str
    key: str
    #: ok | missing (the key is not found under the policy now) | overridden (a later
    #: empty `helper =` line in git's config makes git skip ours)
    status: str
    #: Other helpers git also hands the working credential to (they may store it).
    also_given_to: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "username": self.username,
            "mount": self.mount,
            "key": self.key,
            "status": self.status,
            "alsoGivenTo": list(self.also_given_to),
        }


class GitCredentials:
    def __init__(
        self,
        mounts: SecretMountsService,
        git: GitConfig | None = None,
        policy_path: Path | None = None,
    ) -> None:
        self.mounts = mounts
        self.git = git if git is not None else GitConfig()
        self.policy_path = policy_path if policy_path is not None else helper_policy.default_path()

    @property
    def allowed(self) -> bool:
        return bool(self.mounts.settings.allow_git_credentials)

    def start(self) -> None:
        """At server start: the helper applies the policy the server now runs with."""
        helper_policy.write(self.mounts.settings, self.policy_path)

    def listing(self) -> list[GitCredential]:
        """Our helper lines in git's config, each with whether git will use it (blocking)."""
        entries = self.git.entries()
        found: list[GitCredential] = []
        seen: set[str] = set()
        for entry in entries:
            args = command.parse(entry.value) if entry.name.lower() == "helper" else None
            if args is None or entry.url in seen:
                continue
            seen.add(entry.url)
            try:
                host = parse_host(entry.url, allow_any_scheme=True)
            except BadRemote:
                continue
            chain = helper_chain(entries, host, entry.value)
            if not chain.ours_active:
                status = "overridden"
            elif not self._key_readable(args.mount, args.key):
                status = "missing"
            else:
                status = "ok"
            found.append(
                GitCredential(
                    entry.url, args.username, args.mount, args.key, status, chain.after_ours
                )
            )
        return found

    def use(self, mount: str, key: str, host_text: str, username: str) -> GitHost:
        """Set git up to read `mount`/`key` for `host` (replacing that host's helpers)."""
        if not self.allowed:
            raise GitCredentialsOff
        host = parse_host(host_text)
        check_username(username)
        if not self._key_readable(mount, key):
            raise NotAKey
        self.start()
        args = command.HelperArgs(host.url, mount, key, username, str(self.policy_path))
        self.git.set_helper(host, command.render(args))
        return host

    def forget(self, host_text: str) -> GitHost:
        """Undo Use for git for a host (allowed even when the feature is off: it removes)."""
        host = parse_host(host_text, allow_any_scheme=True)
        if not any(c.url == host.url for c in self.listing()):
            raise KeyError(host.url)
        self.git.remove_helper(host)
        return host

    def _key_readable(self, mount: str, key: str) -> bool:
        try:
            _, found = self.mounts.find_key(mount, key)
        except KeyNotFound:
            return False
        return found.error is None and not found.binary


__all__ = ["GitCredentials", "GitCredentialsOff", "GitUnavailable", "NotAKey"]
