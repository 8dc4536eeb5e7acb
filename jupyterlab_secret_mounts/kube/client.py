"""The Kubernetes API as this workspace's service account sees it, through `kubernetes_asyncio`.

`kubernetes_asyncio` is asynchronous (it runs on Tornado's event loop), reads the in-cluster
configuration (service-account token, CA, KUBERNETES_SERVICE_HOST/PORT) and re-reads the token
file as kubelet rotates it. This module adds what the server needs around it: a time limit on
every request, bounded retries (429 on any request, honouring Retry-After; transient failures on
reads only), and every failure turned into one `KubeError` sentence for the user.

The package is an optional extra (`pip install jupyterlab-secret-mounts[kubernetes]`): without
it, `KubeClient.in_cluster` raises `KubeUnavailable` saying so.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .. import __version__
from .errors import KubeError, KubeUnavailable, describe_failure

try:  # an optional extra: `pip install 'jupyterlab-secret-mounts[kubernetes]'`
    from kubernetes_asyncio import client as k8s
    from kubernetes_asyncio.client.exceptions import ApiException
    from kubernetes_asyncio.config.config_exception import ConfigException
    from kubernetes_asyncio.config.incluster_config import InClusterConfigLoader
except ImportError:  # pragma: no cover (the test extra installs it)
    k8s = None

log = logging.getLogger(__name__)

#: Every write names this manager (metadata.managedFields), as the CLI does.
FIELD_MANAGER = "jupyterlab-secret-mounts"

#: Attempts per request at most (the first included).
MAX_ATTEMPTS = 3
#: Longest wait for a Retry-After (seconds); a server asking for more gets a clear refusal.
MAX_RETRY_AFTER = 5.0
#: Wait between attempts after a transient failure of a read (seconds, doubled each time).
BACKOFF_SECONDS = 0.2

T = TypeVar("T")


class _DropResponseBodies(logging.Filter):
    """kubernetes_asyncio logs every response body at debug level: a created Secret's included.

    Attached to its logger (a filter on a logger applies whatever the level), so turning on debug
    logging never writes a Secret's data to a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("response body")


logging.getLogger("kubernetes_asyncio.client.rest").addFilter(_DropResponseBodies())


@dataclass(frozen=True)
class CustomResource:
    """A custom resource type: API group, version, plural and what users call it."""

    group: str
    version: str
    plural: str
    kind: str


WORKSPACES = CustomResource("kubeflow.org", "v1beta1", "workspaces", "Workspace")
NOTEBOOKS = CustomResource("kubeflow.org", "v1", "notebooks", "Notebook")
PODDEFAULTS = CustomResource("kubeflow.org", "v1alpha1", "poddefaults", "PodDefault")

MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"


@dataclass(frozen=True)
class InClusterSettings:
    """Where the in-cluster configuration comes from (kubelet's paths; tests use their own)."""

    service_account_dir: str
    environ: Mapping[str, str]
    timeout: float

    @property
    def namespace_file(self) -> str:
        return os.path.join(self.service_account_dir, "namespace")

    @property
    def server(self) -> str:
        host = self.environ.get("KUBERNETES_SERVICE_HOST", "")
        port = self.environ.get("KUBERNETES_SERVICE_PORT", "")
        return f"https://[{host}]:{port}" if ":" in host else f"https://{host}:{port}"


class KubeClient:
    """A connection for one piece of work (`async with`); every call bounded and explained."""

    def __init__(self, api_client: Any, server: str, timeout: float) -> None:
        self._api_client = api_client
        self.server = server
        self.timeout = timeout
        self.core = k8s.CoreV1Api(api_client)
        self.custom = k8s.CustomObjectsApi(api_client)

    @classmethod
    def in_cluster(cls, settings: InClusterSettings) -> Callable[[], KubeClient]:
        """Opens clients with this pod's service account, or `KubeUnavailable` saying why not.

        Each client is used for one piece of work and closed (`async with`); they share one
        configuration, whose token is re-read from its file as kubelet rotates it."""
        if not settings.environ.get("KUBERNETES_SERVICE_HOST"):
            raise KubeUnavailable("this server is not running in a Kubernetes pod")
        if k8s is None:
            raise KubeUnavailable(
                "the kubernetes_asyncio package is not installed "
                "(pip install 'jupyterlab-secret-mounts[kubernetes]')"
            )
        configuration = k8s.Configuration()
        loader = InClusterConfigLoader(
            token_filename=os.path.join(settings.service_account_dir, "token"),
            cert_filename=os.path.join(settings.service_account_dir, "ca.crt"),
            environ=dict(settings.environ),
        )
        try:
            loader.load_and_set(configuration)
        except ConfigException as error:
            raise KubeUnavailable(f"the in-cluster configuration is incomplete: {error}") from None
        except OSError as error:
            raise KubeUnavailable(
                f"the service-account files cannot be read: {error.strerror}"
            ) from None

        def open_client() -> KubeClient:
            api_client = k8s.ApiClient(configuration)
            api_client.user_agent = f"{FIELD_MANAGER}/{__version__}"
            return cls(api_client, settings.server, settings.timeout)

        return open_client

    async def __aenter__(self) -> KubeClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._api_client.close()

    # ------------------------------------------------------------------ calls with retries

    async def call(
        self,
        action: str,
        request: Callable[[], Awaitable[T]],
        *,
        idempotent: bool,
    ) -> T:
        """Run one API request: time-limited, retried when that is safe, failures explained.

        `action` says what was attempted ("create Secret x in namespace y") for the sentence."""
        delay = BACKOFF_SECONDS
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return await asyncio.wait_for(request(), self.timeout)
            except Exception as error:  # noqa: BLE001 (each failure becomes a KubeError)
                failure = describe_failure(error, action, self.server, self.timeout)
            if attempt == MAX_ATTEMPTS or not failure.retryable(idempotent):
                raise failure
            wait = failure.retry_after if failure.retry_after is not None else delay
            if wait > MAX_RETRY_AFTER:
                raise failure
            log.debug("Kubernetes API: %s, try %d again in %.1f s", failure.reason, attempt, wait)
            await asyncio.sleep(wait)
            delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    # ------------------------------------------------------------------------ core objects

    async def get_pod(self, namespace: str, name: str) -> dict[str, Any]:
        def read() -> Awaitable[Any]:
            return self.core.read_namespaced_pod(name, namespace, _preload_content=False)

        return await self._json(f"read Pod {name} in namespace {namespace}", read)

    async def get_secret(self, namespace: str, name: str) -> dict[str, Any]:
        """A whole Secret (values included: the API cannot list keys without them)."""

        def read() -> Awaitable[Any]:
            return self.core.read_namespaced_secret(name, namespace, _preload_content=False)

        return await self._json(f"read Secret {name} in namespace {namespace}", read)

    async def create_secret(self, namespace: str, body: dict[str, Any]) -> dict[str, Any]:
        """Create a Secret; answers its metadata only (the rest of the answer is dropped)."""
        name = body["metadata"]["name"]

        def create() -> Awaitable[Any]:
            return self.core.create_namespaced_secret(
                namespace, body, field_manager=FIELD_MANAGER, _preload_content=False
            )

        created = await self._json(f"create Secret {name} in namespace {namespace}", create)
        return {"metadata": created.get("metadata", {})}

    async def patch_secret(
        self, namespace: str, name: str, operations: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """A JSON patch (RFC 6902) of a Secret; answers its metadata only."""

        def patch() -> Awaitable[Any]:
            return self.core.patch_namespaced_secret(
                name,
                namespace,
                operations,
                field_manager=FIELD_MANAGER,
                _content_type=JSON_PATCH,
                _preload_content=False,
            )

        patched = await self._json(f"update Secret {name} in namespace {namespace}", patch)
        return {"metadata": patched.get("metadata", {})}

    async def delete_secret(self, namespace: str, name: str, uid: str) -> None:
        """Delete exactly the Secret with this uid (a namesake made meanwhile stays)."""

        def delete() -> Awaitable[Any]:
            return self.core.delete_namespaced_secret(
                name, namespace, body={"preconditions": {"uid": uid}}, _preload_content=False
            )

        await self._json(f"delete Secret {name} in namespace {namespace}", delete, idempotent=True)

    # -------------------------------------------------------------------- custom resources

    async def get_custom(self, kind: CustomResource, namespace: str, name: str) -> dict[str, Any]:
        def read() -> Awaitable[Any]:
            return self.custom.get_namespaced_custom_object(
                kind.group, kind.version, namespace, kind.plural, name, _preload_content=False
            )

        return await self._json(f"read {kind.kind} {name} in namespace {namespace}", read)

    async def create_custom(
        self, kind: CustomResource, namespace: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        name = body["metadata"]["name"]

        def create() -> Awaitable[Any]:
            return self.custom.create_namespaced_custom_object(
                kind.group,
                kind.version,
                namespace,
                kind.plural,
                body,
                field_manager=FIELD_MANAGER,
                _preload_content=False,
            )

        return await self._json(f"create {kind.kind} {name} in namespace {namespace}", create)

    async def merge_patch_custom(
        self, kind: CustomResource, namespace: str, name: str, patch: dict[str, Any]
    ) -> dict[str, Any]:
        """A JSON merge patch (RFC 7386); carry metadata.resourceVersion to make it conditional."""

        def send() -> Awaitable[Any]:
            return self.custom.patch_namespaced_custom_object(
                kind.group,
                kind.version,
                namespace,
                kind.plural,
                name,
                patch,
                field_manager=FIELD_MANAGER,
                _content_type=MERGE_PATCH,
                _preload_content=False,
            )

        return await self._json(f"update {kind.kind} {name} in namespace {namespace}", send)

    async def delete_custom(
        self, kind: CustomResource, namespace: str, name: str, uid: str
    ) -> None:
        def delete() -> Awaitable[Any]:
            return self.custom.delete_namespaced_custom_object(
                kind.group,
                kind.version,
                namespace,
                kind.plural,
                name,
                body={"preconditions": {"uid": uid}},
                _preload_content=False,
            )

        await self._json(
            f"delete {kind.kind} {name} in namespace {namespace}", delete, idempotent=True
        )

    async def _json(
        self,
        action: str,
        request: Callable[[], Awaitable[Any]],
        idempotent: bool | None = None,
    ) -> dict[str, Any]:
        """Send a request whose answer is read here as JSON (never deserialised into models,
        never logged), a non-2xx answer raised as the client's own ApiException."""

        async def send() -> dict[str, Any]:
            response = await request()
            try:
                body = await response.read()
                if not 200 <= response.status <= 299:
                    raise _api_exception(response.status, response.reason, body, response.headers)
            finally:
                response.release()
            try:
                data = json.loads(body) if body else {}
            except ValueError:
                raise KubeError(f"The Kubernetes API answered {action!r} with no JSON.") from None
            return data if isinstance(data, dict) else {}

        safe = action.startswith("read") if idempotent is None else idempotent
        return await self.call(action, send, idempotent=safe)


def _api_exception(status: int, reason: str | None, body: bytes, headers: Any) -> Exception:
    error = ApiException(status=status, reason=reason)
    error.body = body
    error.headers = headers
    return error
