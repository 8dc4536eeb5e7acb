"""Server configuration for the browser tests.

Each profile gets its own demo secrets root, laid out exactly as kubelet lays out a Secret volume,
and its own notebook folder holding the demo notebook. Paths are fixed (below `.jupyter-test-root/`)
so the tests can read expected values and trigger rotations from disk.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

HERE = Path(__file__).parent
PROFILE = __import__("os").environ.get("SECRET_MOUNTS_UI_PROFILE", "default")
ROOT = HERE / ".jupyter-test-root" / PROFILE
SECRETS = ROOT / "secrets"
NOTEBOOKS = ROOT / "notebooks"
SERVER_LOG = ROOT / "server.log"

shutil.rmtree(ROOT, ignore_errors=True)
NOTEBOOKS.mkdir(parents=True)
subprocess.run(
    [sys.executable, "-m", "jupyterlab_secret_mounts.demo", "create", str(SECRETS)], check=True
)
shutil.copy(HERE.parent / "demo" / "demo.ipynb", NOTEBOOKS / "demo.ipynb")

configure_jupyter_server(c)  # noqa: F821
c.ServerApp.root_dir = str(NOTEBOOKS)  # noqa: F821
c.ServerApp.allow_root = True  # noqa: F821  (CI runs as root)
c.SecretMounts.roots = [str(SECRETS)]  # noqa: F821
# Only the demo root: the machine's own /var/run/secrets must not leak into the tests.
c.SecretMounts.discover_mountinfo = False  # noqa: F821
c.SecretMounts.show_service_account = False  # noqa: F821
if PROFILE == "strict":
    c.SecretMounts.save_policy = "block"  # noqa: F821
    c.SecretMounts.allow_reveal = True  # noqa: F821
    c.SecretMounts.reveal_seconds = 3  # noqa: F821
if PROFILE == "noexec":
    # A collaborator who may edit and save but not run code: checking text for mounted values
    # (which could recover them) needs `execute` on kernels, as reading the files does.
    from jupyter_server.auth import Authorizer

    class NoKernelExecute(Authorizer):
        def is_authorized(self, handler, user, action, resource):  # noqa: ANN001, ANN201
            return (action, resource) != ("execute", "kernels")

    c.ServerApp.authorizer_class = NoKernelExecute  # noqa: F821

# Keep every server log line in a file: the canary check reads it after the run.
c.ServerApp.logging_config = {  # noqa: F821
    "handlers": {
        "canary_file": {
            "class": "logging.FileHandler",
            "filename": str(SERVER_LOG),
            "level": "DEBUG",
        }
    },
    "loggers": {"ServerApp": {"handlers": ["console", "canary_file"], "level": "DEBUG"}},
}
