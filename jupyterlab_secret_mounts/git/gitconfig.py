"""The workspace user's git config, read and written with `git config` itself (its quoting,
its lock file, `GIT_CONFIG_GLOBAL` and XDG rules all apply).

Only `credential.<url>.helper` lines are written: an empty one, which makes git forget helpers
configured before it for that host, then ours. No value ever goes into the config.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

from . import command
from .remote import DEFAULT_PORTS, GitHost

#: Seconds any one `git config` may take (it reads a few small files).
GIT_TIMEOUT = 20.0


class GitUnavailable(Exception):
    """git is not installed, or its config cannot be read or written (message for the user)."""


@dataclass(frozen=True)
class Entry:
    """One `credential.*` line: its URL subsection ('' for the general section), name, value."""

    url: str
    name: str
    value: str


class GitConfig:
    """`git config --global` for this server's user; calls are serialized (git's lock file)."""

    def __init__(self, git: str | None = None) -> None:
        self._git = git
        self._lock = threading.Lock()

    @property
    def executable(self) -> str:
        found = self._git or shutil.which("git")
        if not found:
            raise GitUnavailable("git is not installed on the server.")
        return found

    def _run(self, args: Sequence[str], ok: Sequence[int] = (0,)) -> str:
        env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}
        try:
            done = subprocess.run(
                [self.executable, "config", *args],
                capture_output=True,
                text=True,
                timeout=GIT_TIMEOUT,
                env=env,
                cwd=os.path.expanduser("~") if os.path.isdir(os.path.expanduser("~")) else "/",
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise GitUnavailable(f"git config could not run: {type(error).__name__}") from None
        if done.returncode not in ok:
            # git's message names the file and line, never a credential (none is written here).
            message = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            raise GitUnavailable(f"git config failed: {message[0]}")
        return done.stdout

    def entries(self) -> list[Entry]:
        """Every `credential.*` line of the system and global config, in the order git reads."""
        found: list[Entry] = []
        for scope in ("--system", "--global"):
            # Exit 1: nothing matched (or no such file).
            out = self._run(["-z", scope, "--get-regexp", r"^credential\."], ok=(0, 1))
            for record in out.split("\0"):
                if not record:
                    continue
                key, _, value = record.partition("\n")
                section, _, rest = key.partition(".")
                url, _, name = rest.rpartition(".")
                if section == "credential":
                    found.append(Entry(url, name, value))
        return found

    def set_helper(self, host: GitHost, line: str) -> None:
        """This host's helper list becomes: reset, then ours (replacing what was there)."""
        key = f"credential.{host.url}.helper"
        with self._lock:
            self._run(["--global", "--unset-all", key], ok=(0, 5))  # 5: there was none
            self._run(["--global", "--add", key, ""])
            self._run(["--global", "--add", key, line])

    def remove_helper(self, host: GitHost) -> None:
        """Drop this host's helper lines, and its section when nothing else is left in it."""
        with self._lock:
            self._run(["--global", "--unset-all", f"credential.{host.url}.helper"], ok=(0, 5))
            left = [e for e in self.entries() if e.url == host.url]
            if not left:
                self._run(["--global", "--remove-section", f"credential.{host.url}"], ok=(0, 128))


@dataclass
class HelperChain:
    """What git will run for one host, worked out the way git does from the config lines."""

    #: Our helper is in the list git ends up with.
    ours_active: bool
    #: Helpers after ours: git hands them the credential to `store` after it worked.
    after_ours: list[str]


def helper_chain(entries: Sequence[Entry], host: GitHost, ours: str) -> HelperChain:
    """git collects `helper` lines of every matching section in config order; an empty one
    clears the list. A credential that worked is then given to every helper in the list."""
    chain: list[str] = []
    for entry in entries:
        if entry.name.lower() != "helper" or not _applies(entry.url, host):
            continue
        if entry.value:
            chain.append(entry.value)
        else:
            chain.clear()
    if ours not in chain:
        return HelperChain(False, [])
    after = chain[chain.index(ours) + 1 :]
    return HelperChain(True, [command.describe(value) for value in after])


def _applies(url: str, host: GitHost) -> bool:
    """Whether a `credential.<url>` section can apply to requests to `host` (when unsure: yes)."""
    if not url:
        return True
    try:
        parts = urllib.parse.urlsplit(url if "://" in url else f"{host.scheme}://{url}")
        port = parts.port
    except ValueError:
        return False
    if parts.scheme.lower() != host.scheme:
        return False
    if port is None:
        port = DEFAULT_PORTS.get(parts.scheme.lower())
    name = (parts.hostname or "").lower()
    if name.startswith("*."):
        matches = host.host.endswith(name[1:]) and host.host.count(".") == name.count(".")
    else:
        matches = name == host.host
    return matches and port == host.effective_port
