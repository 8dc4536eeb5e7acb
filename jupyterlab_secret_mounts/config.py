"""Admin policy: the `SecretMounts` traits an admin sets in `jupyter_server_config`.

Users cannot change these from the browser; the frontend shows them read-only
(`GET /secret-mounts/policy`). The server reads them with `config_reader.read_policy`, which
refuses a bad value setting by setting instead of failing to load.
"""

from __future__ import annotations

import os
from typing import Any

from traitlets import Bool, CaselessStrEnum, Float, Int, List, TraitError, Unicode, validate
from traitlets.config import Configurable

from .mounts.value_facts import MatchFloor

DEFAULT_ROOTS = [
    "/secrets",  # Kubeflow Notebooks 2.0 default mount path, common in hand-written pods
    "/var/run/secrets",  # Kubernetes' own convention (service account, EKS/GKE tokens)
    "/run/secrets",  # Docker / Swarm secrets
    "/mnt/secrets-store",  # Secrets Store CSI driver
    "/vault/secrets",  # Vault Agent injector
]

#: Where kubelet mounts the pod's service-account token, CA and namespace.
SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"

#: A Kubernetes Secret holds at most 1 MiB.
ONE_MIB = 1024 * 1024

SAVE_POLICIES = ("off", "warn", "block")

#: No setting indexes values weaker than this (about a billion guesses).
MIN_MATCH_BITS_FLOOR = 30


class SecretMounts(Configurable):
    """Where to look for mounted secrets and what users may do with them."""

    roots = List(
        Unicode(),
        default_value=DEFAULT_ROOTS,
        help=(
            "Absolute folders whose immediate subfolders are secret mounts "
            "(a root that itself holds `..data` is one mount). Missing roots are skipped."
        ),
    ).tag(config=True)

    discover_mountinfo = Bool(
        True,
        help=(
            "Also find kubelet atomic-writer volumes (folders holding a `..data` symlink) "
            "at any mount point listed in /proc/self/mountinfo."
        ),
    ).tag(config=True)

    excluded = List(
        Unicode(),
        default_value=[],
        help=(
            "Glob patterns (fnmatch; `*` also matches `/`) of folder or key paths to hide, "
            "e.g. `/secrets/internal-*`."
        ),
    ).tag(config=True)

    show_service_account = Bool(
        True,
        help=f"Show the pod's service-account token folder ({SERVICE_ACCOUNT_DIR}).",
    ).tag(config=True)

    allow_reveal = Bool(
        False,
        help="Let users reveal one value at a time in the panel. Every reveal is audit-logged.",
    ).tag(config=True)

    reveal_seconds = Int(
        10, min=1, max=600, help="Seconds a revealed value stays visible before it is masked again."
    ).tag(config=True)

    save_policy = CaselessStrEnum(
        SAVE_POLICIES,
        default_value="warn",
        help=(
            "What the pre-save check does when a notebook or text file holds a credential: "
            "off, warn or block. An unreadable value enforces block."
        ),
    ).tag(config=True)

    redact_outputs = Bool(
        True,
        help=(
            "Replace mounted values (in every encoded form) in notebook outputs with a marker "
            "when a notebook is saved, so the file holds what the masked output shows."
        ),
    ).tag(config=True)

    allow_inline_suppression = Bool(
        True,
        help=(
            "Honour inline suppression comments (`pragma: allowlist secret`, "
            "`secret-mounts:ignore`) in the pre-save check, and offer them as quick fixes. "
            "False makes the server ignore them."
        ),
    ).tag(config=True)

    keep_collaboration_store = Bool(
        False,
        help=(
            "Leave jupyter-collaboration's document store as configured. By default, while "
            "save_policy is warn or block, it is replaced by an in-memory one: the default store "
            "(.jupyter_ystore.db) keeps every edit on disk, credentials the policy kept out of the "
            "file included."
        ),
    ).tag(config=True)

    save_check_seconds = Float(
        10.0,
        min=0.001,
        help=(
            "Time budget of the pre-save check of one save. Exact mounted values are always looked "
            "for in full; a credential-pattern scan still running then stops, and the save is "
            "refused under `block` (under `warn` it is saved and reported as incompletely checked)."
        ),
    ).tag(config=True)

    min_match_length = Int(
        6,
        min=1,
        help="Shortest mounted value (in characters) that exact-match leak checks look for.",
    ).tag(config=True)

    min_match_bits = Int(
        40,
        min=MIN_MATCH_BITS_FLOOR,
        help=(
            "Weakest mounted value that exact-match leak checks look for, as log2 of a brute force "
            "over the character classes it uses (a six-digit PIN is 20 bits, eight random "
            "letters and digits 48). Weaker values would let the check be used to guess them; "
            "they are listed as too short to guard."
        ),
    ).tag(config=True)

    check_chars_per_minute = Int(
        32 * ONE_MIB,
        min=ONE_MIB,
        help=(
            "Characters one user may send to the leak check (POST /secret-mounts/check) per "
            "minute, with bursts up to one minute's worth; more gets 429 with Retry-After."
        ),
    ).tag(config=True)

    max_value_bytes = Int(
        ONE_MIB,
        min=1,
        max=64 * ONE_MIB,
        help="Larger files are listed with metadata only and never read.",
    ).tag(config=True)

    allow_git_credentials = Bool(
        True,
        help=(
            "Let users set up git to read a mounted key as its password for a host "
            "(Use for git): a credential helper reads the file whenever git asks, so the token "
            "is never copied into a notebook, git's config or ~/.git-credentials."
        ),
    ).tag(config=True)

    allow_create_secrets = Bool(
        False,
        help=(
            "Let users move a pasted credential into a new Kubernetes Secret in the workspace's "
            "namespace, created by this server with its service account (see "
            "`create_secrets_target` for how it is mounted). Users who may run code here "
            "could do the same from a terminal."
        ),
    ).tag(config=True)

    create_secrets_target = CaselessStrEnum(
        ["workspace", "poddefault", "none"],
        default_value="workspace",
        help=(
            "How a Secret created from the notebook reaches this workspace: `workspace` "
            "(Kubeflow Notebooks 2.0: added to this pod's Workspace, "
            "spec.podTemplate.volumes.secrets), `poddefault` (Kubeflow 1.x: a PodDefault and "
            "its selector label on this pod's Notebook) or `none` (the Secret only; an admin "
            "mounts it)."
        ),
    ).tag(config=True)

    created_secrets_mount_root = Unicode(
        "/secrets",
        help=(
            "Folder under which a created Secret is mounted, as `<root>/<secret name>` "
            "(Kubeflow Notebooks 2.0 mounts Secrets at /secrets/<name> by default)."
        ),
    ).tag(config=True)

    kubernetes_service_account_dir = Unicode(
        SERVICE_ACCOUNT_DIR,
        help=(
            "Folder holding this pod's service-account `token`, `ca.crt` and `namespace` "
            "(kubelet's path; tests point it elsewhere). The API server's address comes from "
            "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT."
        ),
    ).tag(config=True)

    kubernetes_timeout_seconds = Float(
        10.0,
        min=0.1,
        max=120.0,
        help="Time limit of one request to the Kubernetes API when creating a Secret.",
    ).tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        #: One line per refused setting, naming it (`config_reader.read_policy` fills it).
        self.config_errors: list[str] = []

    @validate("created_secrets_mount_root", "kubernetes_service_account_dir")
    def _absolute_folder(self, proposal: Any) -> str:
        value = str(proposal["value"])
        if not os.path.isabs(value):
            raise TraitError(f"SecretMounts.{proposal['trait'].name} must be an absolute path")
        return os.path.normpath(value)

    @validate("roots")
    def _absolute_roots(self, proposal: Any) -> list[str]:
        roots: list[str] = []
        for root in proposal["value"]:
            if not os.path.isabs(root):
                raise TraitError(f"SecretMounts.roots must be absolute paths, got {root!r}")
            normalized = os.path.normpath(root)
            if normalized not in roots:
                roots.append(normalized)
        return roots

    @property
    def match_floor(self) -> MatchFloor:
        """The weakest value leak checks may index."""
        return MatchFloor(self.min_match_length, float(self.min_match_bits))

    @property
    def roots_are_default(self) -> bool:
        """Missing default roots are normal; a missing root the admin named is worth a warning."""
        return list(self.roots) == DEFAULT_ROOTS

    def policy_json(self) -> dict[str, Any]:
        """The read-only policy served to the frontend (`IServerPolicy`)."""
        return {
            "roots": list(self.roots),
            "excluded": list(self.excluded),
            "showServiceAccount": self.show_service_account,
            "allowReveal": self.allow_reveal,
            "revealSeconds": self.reveal_seconds,
            "savePolicy": self.save_policy,
            "minMatchLength": self.min_match_length,
            "allowCreateSecrets": self.allow_create_secrets,
            "createSecretsTarget": self.create_secrets_target,
            "redactOutputs": self.redact_outputs,
            "allowInlineSuppression": self.allow_inline_suppression,
            "allowGitCredentials": self.allow_git_credentials,
            "configErrors": list(self.config_errors),
        }
