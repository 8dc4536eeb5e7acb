"""The credential helper's command line, as written to and read back from git's config.

The line names the host, folder, key and user name (no value) and the helper by absolute
path, so it works whatever PATH a kernel, a terminal or jupyterlab-git has:

    !'/opt/conda/bin/git-credential-secret-mounts' --url https://github.com
        --mount /secrets/github --key token --username x-access-token --policy '/home/…json'

The leading `!` makes git run it through the shell with the action (`get`, `store`, `erase`)
appended; every argument is shell-quoted.
"""

from __future__ import annotations

import os
import shlex
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

#: The console script installed with the package (pyproject.toml `[project.scripts]`).
SCRIPT = "git-credential-secret-mounts"
#: Where the script is missing (a copy of the package run from source): `python -m` this.
MODULE = "jupyterlab_secret_mounts.git.helper"


@dataclass(frozen=True)
class HelperArgs:
    url: str
    mount: str
    key: str
    username: str
    policy: str


def launcher() -> list[str]:
    """How to run the helper from any process: the installed script, else this Python."""
    script = Path(sysconfig.get_path("scripts")) / SCRIPT
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", MODULE]


def render(args: HelperArgs, run: list[str] | None = None) -> str:
    words = [
        *(run if run is not None else launcher()),
        "--url",
        args.url,
        "--mount",
        args.mount,
        "--key",
        args.key,
        "--username",
        args.username,
        "--policy",
        args.policy,
    ]
    return "!" + " ".join(shlex.quote(word) for word in words)


def parse(value: str) -> HelperArgs | None:
    """Our helper's arguments, or None for any other helper (`store`, `cache`, a user's own)."""
    options = _our_options(value)
    if options is None:
        return None
    found: dict[str, str] = {}
    names = {"--url", "--mount", "--key", "--username", "--policy"}
    pairs = iter(options)
    for name in pairs:
        if name not in names:
            return None
        value_of = next(pairs, None)
        if value_of is None:
            return None
        found[name[2:]] = value_of
    if set(found) != {name[2:] for name in names}:
        return None
    return HelperArgs(**found)


def _our_options(value: str) -> list[str] | None:
    """The words after our launcher, when the line runs our helper."""
    if not value.startswith("!"):
        return None
    try:
        words = shlex.split(value[1:])
    except ValueError:
        return None
    if words and os.path.basename(words[0]) == SCRIPT:
        return words[1:]
    if len(words) >= 3 and words[1:3] == ["-m", MODULE]:  # noqa: PLR2004
        return words[3:]
    return None


def describe(value: str) -> str:
    """A short name for another helper, for the user (`store`, `cache --timeout=900`)."""
    text = value.strip()
    return text[:80] + ("…" if len(text) > 80 else "")  # noqa: PLR2004
