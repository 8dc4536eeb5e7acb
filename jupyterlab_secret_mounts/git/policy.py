"""The server's discovery policy, as the credential helper applies it.

git runs the helper as its own process (from a kernel, a terminal or jupyterlab-git), which
cannot see how the server was started (config files, command line). So the server writes the
traits discovery depends on to a small JSON file when it starts and whenever a host is set up,
and the helper reads a key only where discovery under that policy finds it. The file holds no
value: roots, exclusions and switches.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from jupyter_core.paths import jupyter_data_dir

from ..config import SecretMounts

#: Traits that decide which folders and keys discovery (and so the helper) may read.
DISCOVERY_TRAITS = (
    "roots",
    "discover_mountinfo",
    "excluded",
    "show_service_account",
    "max_value_bytes",
    "allow_git_credentials",
)


def default_path() -> Path:
    return Path(jupyter_data_dir()) / "secret_mounts" / "git-helper-policy.json"


def write(policy: SecretMounts, path: Path) -> None:
    """Replace the file atomically, so a helper never reads half of it."""
    data = {name: _plain(getattr(policy, name)) for name in DISCOVERY_TRAITS}
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".git-helper-policy.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=1)
            file.write("\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class PolicyUnavailable(Exception):
    """No usable policy file (the message says what to do)."""


def read(path: Path) -> SecretMounts:
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise PolicyUnavailable(
            f"{path} is missing; choose Use for git in JupyterLab again"
        ) from None
    except (OSError, ValueError) as error:
        raise PolicyUnavailable(f"{path} is unreadable ({type(error).__name__})") from None
    if not isinstance(data, dict) or set(data) != set(DISCOVERY_TRAITS):
        raise PolicyUnavailable(f"{path} is not a policy this version wrote")
    try:
        return SecretMounts(**data)
    except Exception as error:  # a TraitError names the trait, never a value
        raise PolicyUnavailable(f"{path} holds a bad setting: {error}") from None


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, (list, tuple)) else value
