"""Which Kubernetes Secret backs each mounted folder, read from this pod's own spec.

Inside a pod whose service account may `get` its own pod, this reads
`/api/v1/namespaces/{ns}/pods/{name}` once with the service-account token
(standard library only: urllib with TLS verified against the service
account's ``ca.crt``) and maps every volume mount of this container to the
Secret behind it. Pods cannot change their volumes, so a success is kept for
the life of the server. Anywhere else (not in a pod, no permission, API
unreachable) the answer is ``{}``, logged at debug level only: the panel works
exactly as before, with no error noise.

Only the pod spec is read, never a Secret.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypedDict

from ..config import SERVICE_ACCOUNT_DIR

log = logging.getLogger(__name__)

#: Test-only override of the API server URL. It is the only way to use plain http;
#: an https URL here is still verified against the service account's CA.
API_URL_OVERRIDE = "JUPYTERLAB_SECRET_MOUNTS_KUBERNETES_API"

#: Optional pod name (e.g. from the downward API) when HOSTNAME is not the pod name.
POD_NAME_ENV = "JUPYTERLAB_SECRET_MOUNTS_POD_NAME"

#: Seconds before a failed lookup is tried again (RBAC may be granted later).
RETRY_SECONDS = 300.0

#: Seconds to wait for the API server.
TIMEOUT_SECONDS = 5.0

#: A pod object is small; refuse to read anything much larger.
MAX_POD_BYTES = 4 * 1024 * 1024


class SecretSource(TypedDict, total=False):
    """`ISecretMount.source` in src/mounts/types.ts."""

    secretName: str
    namespace: str
    volume: str
    keys: list[str]


Fetch = Callable[[], Mapping[str, Any]]


class ProvenanceUnavailable(Exception):
    """Why the pod could not be read (for the debug log only)."""


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read().strip()


def _api_url(environ: Mapping[str, str]) -> str:
    override = environ.get(API_URL_OVERRIDE)
    if override:
        return override.rstrip("/")
    host = environ.get("KUBERNETES_SERVICE_HOST")
    port = environ.get("KUBERNETES_SERVICE_PORT")
    if not host or not port:
        raise ProvenanceUnavailable("not running in a Kubernetes pod")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"https://{host}:{port}"


def fetch_own_pod(
    environ: Mapping[str, str] | None = None,
    service_account_dir: str = SERVICE_ACCOUNT_DIR,
    timeout: float = TIMEOUT_SECONDS,
) -> dict[str, Any]:
    """GET this pod from the API server with the service-account token."""
    env = os.environ if environ is None else environ
    base = _api_url(env)
    try:
        token = _read_text(os.path.join(service_account_dir, "token"))
        namespace = _read_text(os.path.join(service_account_dir, "namespace"))
    except OSError as error:
        raise ProvenanceUnavailable(f"no service-account token: {error.strerror}") from None
    name = env.get(POD_NAME_ENV) or env.get("HOSTNAME") or socket.gethostname()
    url = (
        f"{base}/api/v1/namespaces/{urllib.parse.quote(namespace, safe='')}"
        f"/pods/{urllib.parse.quote(name, safe='')}"
    )
    scheme = urllib.parse.urlsplit(url).scheme
    context: ssl.SSLContext | None = None
    if scheme == "https":
        # Verification stays on: the API server must present a certificate from the pod's CA.
        try:
            context = ssl.create_default_context(cafile=os.path.join(service_account_dir, "ca.crt"))
        except OSError:  # ssl.SSLError included
            raise ProvenanceUnavailable("the service account's ca.crt cannot be loaded") from None
    elif scheme != "http" or not env.get(API_URL_OVERRIDE):
        raise ProvenanceUnavailable(f"unsupported API URL scheme {scheme!r}")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:  # noqa: S310
            body = response.read(MAX_POD_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise ProvenanceUnavailable(f"the API server answered {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ProvenanceUnavailable(f"the API server is unreachable: {reason}") from None
    if len(body) > MAX_POD_BYTES:
        raise ProvenanceUnavailable("the pod object is too large")
    try:
        pod = json.loads(body)
    except ValueError:
        raise ProvenanceUnavailable("the API server did not answer JSON") from None
    if not isinstance(pod, dict) or pod.get("kind", "Pod") != "Pod":
        raise ProvenanceUnavailable("the API server did not answer a Pod")
    return pod


def _list(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _secret_of(volume: Mapping[str, Any]) -> tuple[str, list[str] | None] | None:
    """(secretName, keys) behind a volume; keys None means all of them."""
    secret = volume.get("secret")
    if isinstance(secret, dict) and secret.get("secretName"):
        items = _list(secret.get("items"))
        return str(secret["secretName"]), ([str(i["key"]) for i in items if "key" in i] or None)
    projected = volume.get("projected")
    if isinstance(projected, dict):
        sources = [s["secret"] for s in _list(projected.get("sources")) if "secret" in s]
        named = [s for s in sources if isinstance(s, dict) and s.get("name")]
        # One folder can only be attributed to one Secret.
        if len(named) == 1:
            items = _list(named[0].get("items"))
            keys = [str(i["key"]) for i in items if "key" in i] or None
            return str(named[0]["name"]), keys
    return None


def _our_container(containers: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The container this server runs in: the one whose mount paths exist here."""
    if len(containers) <= 1:
        return containers[0] if containers else None

    def present(container: dict[str, Any]) -> int:
        mounts = _list(container.get("volumeMounts"))
        return sum(1 for m in mounts if os.path.exists(str(m.get("mountPath", ""))))

    return max(containers, key=present)


def sources_from_pod(pod: Mapping[str, Any]) -> dict[str, SecretSource]:
    """Mount path -> the Secret behind it, for this container's Secret-backed mounts."""
    metadata = pod.get("metadata")
    spec = pod.get("spec")
    if not isinstance(metadata, dict) or not isinstance(spec, dict):
        return {}
    namespace = str(metadata.get("namespace", ""))
    volumes = {str(v.get("name")): v for v in _list(spec.get("volumes"))}
    container = _our_container(_list(spec.get("containers")))
    found: dict[str, SecretSource] = {}
    for mount in _list(container.get("volumeMounts")) if container else []:
        volume = volumes.get(str(mount.get("name")))
        path = str(mount.get("mountPath", "")).rstrip("/")
        if volume is None or not path:
            continue
        secret = _secret_of(volume)
        if secret is None:
            continue
        secret_name, keys = secret
        source: SecretSource = {
            "secretName": secret_name,
            "namespace": namespace,
            "volume": str(volume.get("name")),
        }
        sub_path = mount.get("subPath")
        if sub_path:
            keys = [str(sub_path).split("/", 1)[0]]
        if keys is not None:
            source["keys"] = keys
        found[path] = source
    return found


class PodProvenance:
    """Looks the pod up once in the background; `snapshot()` never blocks or raises."""

    def __init__(
        self,
        fetch: Fetch | None = None,
        clock: Callable[[], float] = time.monotonic,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self._fetch = fetch if fetch is not None else fetch_own_pod
        self._clock = clock
        self._retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self._sources: dict[str, SecretSource] | None = None
        self._failed_at: float | None = None
        self._running: threading.Thread | None = None

    def _run(self) -> None:
        try:
            sources = sources_from_pod(self._fetch())
        except ProvenanceUnavailable as reason:
            log.debug("Secret provenance unavailable: %s", reason)
            sources = None
        except Exception:  # never disturb the panel
            log.debug("Secret provenance failed", exc_info=True)
            sources = None
        with self._lock:
            self._running = None
            if sources is None:
                self._failed_at = self._clock()
            else:
                self._sources = sources
                log.debug("Secret provenance: %d Secret-backed mounts", len(sources))

    def start(self) -> None:
        """Begin the lookup if it is neither done, running, nor recently failed."""
        with self._lock:
            if self._sources is not None or self._running is not None:
                return
            if self._failed_at is not None and (
                self._clock() - self._failed_at < self._retry_seconds
            ):
                return
            self._running = threading.Thread(
                target=self._run, name="secret-mounts-provenance", daemon=True
            )
            self._running.start()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a running lookup (tests)."""
        with self._lock:
            running = self._running
        if running is not None:
            running.join(timeout)

    def snapshot(self) -> dict[str, SecretSource]:
        """What is known now (possibly nothing yet); starts the lookup when needed."""
        self.start()
        with self._lock:
            return dict(self._sources or {})


def source_for(path: str, sources: Mapping[str, SecretSource]) -> SecretSource | None:
    """The source of a discovered folder, matching the pod's mount path exactly or by realpath."""
    if not sources:
        return None
    clean = path.rstrip("/")
    if clean in sources:
        return sources[clean]
    real = os.path.realpath(clean)
    for mount_path, source in sources.items():
        if os.path.realpath(mount_path) == real:
            return source
    return None
