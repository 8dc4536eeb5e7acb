"""jupyterlab-secret-mounts: browse mounted Kubernetes Secrets; their values stay on the server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _find_version() -> str:
    try:
        from ._version import __version__ as built  # noqa: PLC0415 (written by hatch at build)
    except ImportError:
        pass
    else:
        return str(built)
    # A source checkout (tests, development): the version lives in package.json.
    try:
        package = json.loads((Path(__file__).parent.parent / "package.json").read_text("utf-8"))
        return str(package["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return "0.0.0+dev"


__version__ = _find_version()


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyterlab-secret-mounts"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "jupyterlab_secret_mounts"}]


def _link_jupyter_server_extension(server_app: Any) -> None:
    """Before any extension builds its handlers: keep collaboration's store off the disk."""
    from .extension import link  # noqa: PLC0415

    link(server_app)


def _load_jupyter_server_extension(server_app: Any) -> None:
    """Read the admin policy and register the `/secret-mounts/*` endpoints."""
    # Imported here so that reading the labextension paths does not load jupyter_server.
    from .extension import load  # noqa: PLC0415

    load(server_app)
