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
if PROFILE == "git":
    # Use for git with jupyterlab-git: a git server on 127.0.0.1 taking only the mounted token.
    import os
    import secrets as _secrets

    from jupyterlab_secret_mounts.mounts.kubelet import write_atomic
    from jupyterlab_secret_mounts.tests.git_http import GitHTTPServer

    HOME = ROOT / "home"
    HOME.mkdir()
    write_atomic(str(SECRETS / "git-creds"), {"token": f"ghp_{_secrets.token_hex(18)}\n".encode()})
    subprocess.run(["git", "config", "--global", "user.name", "Galata"], check=True)
    subprocess.run(["git", "config", "--global", "user.email", "galata@example.org"], check=True)
    (ROOT / "git-server").mkdir()
    GIT_SERVER = GitHTTPServer(
        ROOT / "git-server",
        "x-access-token",
        password_file=SECRETS / "git-creds" / "token",
        port=int(os.environ["SECRET_MOUNTS_GIT_PORT"]),
    )
    GIT_SERVER.create_repo("project", ROOT / "seed")
else:
    # jupyterlab-git is installed for the git profile only; elsewhere it stays out of the way.
    c.ServerApp.jpserver_extensions.update({"jupyterlab_git": False})  # noqa: F821

    def _without_jupyterlab_git(handler, page_config):  # noqa: ANN001, ANN202, ARG001
        disabled = page_config.setdefault("disabledExtensions", [])
        if isinstance(disabled, dict):
            disabled["@jupyterlab/git"] = True
        else:
            disabled.append("@jupyterlab/git")
        return page_config

    c.ServerApp.tornado_settings = {"page_config_hook": _without_jupyterlab_git}  # noqa: F821
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
