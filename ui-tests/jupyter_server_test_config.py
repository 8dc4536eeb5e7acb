"""Server configuration for the browser tests, for `jupyter lab` and `jupyter notebook` alike.

Each profile gets its own demo secrets root, laid out exactly as kubelet lays out a Secret volume,
and its own notebook folder holding the demo notebook. Paths are fixed (below `.jupyter-test-root/`)
so the tests can read expected values and trigger rotations from disk. Profiles whose name ends
in `strict` enforce the save policy `block`.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

HERE = Path(__file__).parent
PROFILE = os.environ.get("SECRET_MOUNTS_UI_PROFILE", "default")
# A restart of the same server (collaboration tests): keep its notebooks, secrets and log.
RESTART = os.environ.get("SECRET_MOUNTS_UI_RESTART") == "1"
ROOT = HERE / ".jupyter-test-root" / PROFILE
SECRETS = ROOT / "secrets"
NOTEBOOKS = ROOT / "notebooks"
SERVER_LOG = ROOT / "server.log"

if not RESTART:
    shutil.rmtree(ROOT, ignore_errors=True)
    NOTEBOOKS.mkdir(parents=True)
    subprocess.run(
        [sys.executable, "-m", "jupyterlab_secret_mounts.demo", "create", str(SECRETS)], check=True
    )
    shutil.copy(HERE.parent / "demo" / "demo.ipynb", NOTEBOOKS / "demo.ipynb")

configure_jupyter_server(c)  # noqa: F821
# Notebook 7 (`jupyter notebook`) exposes `window.jupyterapp` on its own switch.
c.JupyterNotebookApp.expose_app_in_browser = True  # noqa: F821
c.ServerApp.root_dir = str(NOTEBOOKS)  # noqa: F821
c.ServerApp.allow_root = True  # noqa: F821  (CI runs as root)
c.SecretMounts.roots = [str(SECRETS)]  # noqa: F821
# Only the demo root: the machine's own /var/run/secrets must not leak into the tests.
c.SecretMounts.discover_mountinfo = False  # noqa: F821
c.SecretMounts.show_service_account = False  # noqa: F821
if PROFILE.endswith("strict"):
    c.SecretMounts.save_policy = "block"  # noqa: F821
if PROFILE.startswith("collab"):
    # jupyter-collaboration (.venv-collab) with its defaults, except: its store where a
    # deployment keeps it (the server's folder, not ui-tests/), its file ids beside it, and rooms
    # that close soon after the last page left.
    c.SQLiteYStore.db_path = str(ROOT / ".jupyter_ystore.db")  # noqa: F821
    c.BaseFileIdManager.db_path = str(ROOT / "file_id_manager.db")  # noqa: F821
    c.YDocExtension.document_cleanup_delay = 2  # noqa: F821
if PROFILE == "strict":
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

if PROFILE == "kube":
    # A workspace pod of Kubeflow Notebooks 2.0, against the project's fake API server (the
    # same process the server's pytest suite drives): the service account's token, CA and
    # namespace, the in-cluster environment, this pod and its Workspace. The fake stops when
    # this server does (its standard input closes).
    import atexit
    import json
    import os

    from jupyterlab_secret_mounts.tests import kube_api

    FAKE_API = kube_api.FakeProcess()
    atexit.register(FAKE_API.stop)
    cluster = kube_api.FakeCluster.start(FAKE_API, ROOT / "serviceaccount")
    cluster.add("pods", kube_api.workspace_pod())
    cluster.add("workspaces", kube_api.workspace())
    os.environ.update(cluster.environ)
    (ROOT / "fake-api.json").write_text(json.dumps({"control": FAKE_API.control}))
    c.SecretMounts.allow_create_secrets = True  # noqa: F821
    c.SecretMounts.create_secrets_target = "workspace"  # noqa: F821
    c.SecretMounts.kubernetes_service_account_dir = str(ROOT / "serviceaccount")  # noqa: F821
    # Created Secrets "mount" under the test root: a test writes the folder kubelet would.
    c.SecretMounts.created_secrets_mount_root = str(SECRETS)  # noqa: F821

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
