"""Who this server is in the cluster: its namespace, its pod, and the object that owns the pod.

Kubeflow Notebooks 2.0 labels a Workspace's pods `notebooks.kubeflow.org/workspace-name`;
Kubeflow 1.x's notebook controller labels a Notebook's pods `notebook-name` (and names their
StatefulSet after the Notebook). The pod is read once with the service account, as provenance
does, and remembered: a pod never changes its owner.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..mounts.provenance import POD_NAME_ENV
from .client import NOTEBOOKS, WORKSPACES, CustomResource, KubeClient
from .errors import KubeUnavailable

WORKSPACE_LABEL = "notebooks.kubeflow.org/workspace-name"
NOTEBOOK_LABEL = "notebook-name"


@dataclass(frozen=True)
class Owner:
    kind: CustomResource
    name: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind.kind, "name": self.name}


@dataclass
class Workplace:
    namespace: str
    pod: str
    service_account: str
    #: The Workspace (target workspace) or Notebook (target poddefault) owning this pod.
    owner: Owner | None
    #: Secret name -> (mount path, whole folder?) for this container's Secret volumes.
    mounted: dict[str, tuple[str, bool]] = field(default_factory=dict)


def read_namespace(service_account_dir: str) -> str:
    try:
        with open(os.path.join(service_account_dir, "namespace"), encoding="utf-8") as handle:
            namespace = handle.read().strip()
    except OSError as error:
        raise KubeUnavailable(
            f"this pod's namespace cannot be read from {service_account_dir}: {error.strerror}"
        ) from None
    if not namespace:
        raise KubeUnavailable(f"the namespace file in {service_account_dir} is empty")
    return namespace


def pod_name(environ: Mapping[str, str]) -> str:
    return environ.get(POD_NAME_ENV) or environ.get("HOSTNAME") or socket.gethostname()


def owner_of(pod: Mapping[str, Any], target: str) -> Owner | None:
    """The Workspace or Notebook a pod belongs to, from the labels its controller sets."""
    metadata = pod.get("metadata") if isinstance(pod.get("metadata"), dict) else {}
    labels = metadata.get("labels") if isinstance(metadata.get("labels"), dict) else {}
    if target == "workspace" and labels.get(WORKSPACE_LABEL):
        return Owner(WORKSPACES, str(labels[WORKSPACE_LABEL]))
    if target == "poddefault" and labels.get(NOTEBOOK_LABEL):
        return Owner(NOTEBOOKS, str(labels[NOTEBOOK_LABEL]))
    return None


def mounted_secrets(pod: Mapping[str, Any]) -> dict[str, tuple[str, bool]]:
    """Secret name -> (mount path, whether the whole Secret is there and follows updates)."""
    spec = pod.get("spec") if isinstance(pod.get("spec"), dict) else {}
    volumes = {
        v.get("name"): v.get("secret")
        for v in spec.get("volumes") or []
        if isinstance(v, dict) and isinstance(v.get("secret"), dict)
    }
    found: dict[str, tuple[str, bool]] = {}
    for container in spec.get("containers") or []:
        for mount in container.get("volumeMounts") or [] if isinstance(container, dict) else []:
            secret = volumes.get(mount.get("name")) if isinstance(mount, dict) else None
            if secret and secret.get("secretName"):
                whole = not secret.get("items") and not mount.get("subPath")
                found.setdefault(str(secret["secretName"]), (str(mount.get("mountPath")), whole))
    return found


async def find_workplace(
    client: KubeClient, service_account_dir: str, environ: Mapping[str, str], target: str
) -> Workplace:
    """Read this pod and work out its owner (`KubeError` when the pod cannot be read)."""
    namespace = read_namespace(service_account_dir)
    name = pod_name(environ)
    pod = await client.get_pod(namespace, name)
    spec = pod.get("spec") if isinstance(pod.get("spec"), dict) else {}
    return Workplace(
        namespace=namespace,
        pod=name,
        service_account=str(spec.get("serviceAccountName") or "default"),
        owner=owner_of(pod, target),
        mounted=mounted_secrets(pod),
    )
