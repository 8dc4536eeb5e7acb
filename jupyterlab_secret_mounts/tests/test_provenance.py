"""Secret provenance: which Secret backs each folder, from this pod's spec, or nothing at all."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from jupyterlab_secret_mounts.mounts import provenance
from jupyterlab_secret_mounts.mounts.provenance import (
    API_URL_OVERRIDE,
    PodProvenance,
    ProvenanceUnavailable,
    SecretSource,
    fetch_own_pod,
    source_for,
    sources_from_pod,
)

from .kube_fake import TOKEN, FakeKubeAPI, make_certificate, notebook_pod
from .trees import SecretsTree

NAMESPACE = "team-a"
POD = "alice-0"

EXPECTED = {
    "/secrets/db-creds": {"secretName": "db-creds", "namespace": NAMESPACE, "volume": "db"},
    "/secrets/tls": {
        "secretName": "web-tls",
        "namespace": NAMESPACE,
        "volume": "tls",
        "keys": ["tls.crt", "tls.key"],
    },
    "/secrets/api": {
        "secretName": "api-token",
        "namespace": NAMESPACE,
        "volume": "combined",
        "keys": ["token"],
    },
    "/home/jovyan/.pgpass": {
        "secretName": "db-creds",
        "namespace": NAMESPACE,
        "volume": "db",
        "keys": ["pgpass"],
    },
}


@pytest.fixture
def service_account(tmp_path: Path) -> Path:
    """What kubelet mounts at /var/run/secrets/kubernetes.io/serviceaccount."""
    folder = tmp_path / "serviceaccount"
    folder.mkdir()
    (folder / "token").write_text(TOKEN)
    (folder / "namespace").write_text(NAMESPACE)
    return folder


@pytest.fixture
def fake_api() -> Iterator[FakeKubeAPI]:
    api = FakeKubeAPI()
    api.pods[(NAMESPACE, POD)] = notebook_pod(NAMESPACE, POD)
    yield api
    api.stop()


def test_maps_every_secret_backed_mount_of_the_pod() -> None:
    # ConfigMaps, PVCs, the API-access token volume and a projected volume of two
    # Secrets (which cannot be attributed to one) have no source.
    assert sources_from_pod(notebook_pod(NAMESPACE, POD)) == EXPECTED


def test_reads_its_own_pod_over_http_only_with_the_explicit_override(
    fake_api: FakeKubeAPI, service_account: Path, tmp_path: Path
) -> None:
    url = fake_api.start()
    env = {API_URL_OVERRIDE: url, "HOSTNAME": POD}
    pod = fetch_own_pod(env, str(service_account))
    assert sources_from_pod(pod) == EXPECTED
    assert fake_api.requests == [f"/api/v1/namespaces/{NAMESPACE}/pods/{POD}"]

    # The in-cluster variables always mean https, so the plain-http server is never read.
    certificate = make_certificate(tmp_path)
    if certificate is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    (service_account / "ca.crt").write_bytes(certificate[0].read_bytes())
    port = url.rsplit(":", 1)[1]
    in_cluster = {"KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": port}
    with pytest.raises(ProvenanceUnavailable, match="unreachable"):
        fetch_own_pod({**in_cluster, "HOSTNAME": POD}, str(service_account))
    assert len(fake_api.requests) == 1


def test_in_cluster_path_uses_https_verified_against_the_service_account_ca(
    fake_api: FakeKubeAPI, service_account: Path, tmp_path: Path
) -> None:
    certificate = make_certificate(tmp_path)
    if certificate is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    url = fake_api.start(certificate)
    port = url.rsplit(":", 1)[1]
    env = {"KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": port, "HOSTNAME": POD}

    (service_account / "ca.crt").write_bytes(certificate[0].read_bytes())
    assert sources_from_pod(fetch_own_pod(env, str(service_account))) == EXPECTED

    # Any other CA: the certificate is refused, and nothing is read.
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    other = make_certificate(other_dir)
    assert other is not None
    (service_account / "ca.crt").write_bytes(other[0].read_bytes())
    with pytest.raises(ProvenanceUnavailable, match="CERTIFICATE_VERIFY_FAILED"):
        fetch_own_pod(env, str(service_account))
    assert len(fake_api.requests) == 1

    # No usable CA at all: nothing is attempted.
    (service_account / "ca.crt").write_text("")
    with pytest.raises(ProvenanceUnavailable, match="ca.crt cannot be loaded"):
        fetch_own_pod(env, str(service_account))


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("forbidden", "answered 403"),
        ("missing-pod", "answered 404"),
        ("no-token", "no service-account token"),
    ],
)
def test_failures_are_reported_only_to_the_debug_log(
    fake_api: FakeKubeAPI,
    service_account: Path,
    caplog: pytest.LogCaptureFixture,
    case: str,
    reason: str,
) -> None:
    url = fake_api.start()
    env = {API_URL_OVERRIDE: url, "HOSTNAME": POD}
    if case == "forbidden":
        fake_api.allowed_tokens.clear()
    elif case == "missing-pod":
        env["HOSTNAME"] = "not-the-pod-name"
    else:
        (service_account / "token").unlink()
    provenance = PodProvenance(lambda: fetch_own_pod(env, str(service_account)))
    with caplog.at_level(logging.DEBUG, logger="jupyterlab_secret_mounts.mounts.provenance"):
        provenance.start()
        provenance.wait(10)
        assert provenance.snapshot() == {}
    assert [r.levelno for r in caplog.records] == [logging.DEBUG]
    assert reason in caplog.records[0].getMessage()
    assert TOKEN not in caplog.text


def test_outside_a_pod_nothing_is_contacted(service_account: Path) -> None:
    with pytest.raises(ProvenanceUnavailable, match="not running in a Kubernetes pod"):
        fetch_own_pod({"HOSTNAME": POD}, str(service_account))


def test_unreachable_api_server(service_account: Path) -> None:
    # Port 9 on loopback: nothing listens there.
    env = {API_URL_OVERRIDE: "http://127.0.0.1:9", "HOSTNAME": POD}
    with pytest.raises(ProvenanceUnavailable, match="unreachable"):
        fetch_own_pod(env, str(service_account), timeout=2)


def test_success_is_cached_and_failure_retried_later(
    fake_api: FakeKubeAPI, service_account: Path
) -> None:
    url = fake_api.start()
    env = {API_URL_OVERRIDE: url, "HOSTNAME": POD}
    now = [0.0]
    fake_api.allowed_tokens.clear()
    provenance = PodProvenance(
        lambda: fetch_own_pod(env, str(service_account)), clock=lambda: now[0], retry_seconds=300
    )
    assert provenance.snapshot() == {}  # never blocks: the lookup runs in the background
    provenance.wait(10)
    assert provenance.snapshot() == {}
    provenance.wait(10)
    assert len(fake_api.requests) == 1  # a failure is not retried at once

    fake_api.allowed_tokens.add(TOKEN)  # e.g. an admin grants `get pods`
    now[0] = 301.0
    provenance.snapshot()
    provenance.wait(10)
    assert provenance.snapshot() == EXPECTED
    for _ in range(3):
        now[0] += 10_000
        provenance.snapshot()
        provenance.wait(10)
    assert len(fake_api.requests) == 2  # pods do not change their volumes: read once


def test_source_for_matches_exactly_or_through_symlinks(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    source: SecretSource = {"secretName": "x", "namespace": "n", "volume": "v"}
    sources = {str(real): source}
    assert source_for(str(real) + "/", sources) == sources[str(real)]
    assert source_for(str(tmp_path / "link"), sources) == sources[str(real)]
    assert source_for(str(tmp_path), sources) is None


# ------------------------------------------------------------- in the mounts listing


@pytest.fixture
def jp_server_config(pod_lookup: None, secret_mounts_policy: dict[str, Any]) -> Config:
    """The test server, started after `pod_lookup` has replaced how the pod is read."""
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"jupyterlab_secret_mounts": True}},
            "SecretMounts": secret_mounts_policy,
        }
    )


async def list_mounts(jp_fetch: Any) -> tuple[dict[str, Any], str]:
    response = await jp_fetch("secret-mounts", "mounts")
    return json.loads(response.body), response.headers["ETag"]


class TestListingWithProvenance:
    @pytest.fixture
    def pod_lookup(self, monkeypatch: pytest.MonkeyPatch, secrets_tree: SecretsTree) -> None:
        """This server's pod mounts the tree's db-creds folder from Secret db-creds."""
        pod = notebook_pod(NAMESPACE, POD)
        mount = pod["spec"]["containers"][0]["volumeMounts"][0]
        mount["mountPath"] = str(secrets_tree.root / "db-creds")
        # Called with the configured service-account folder.
        monkeypatch.setattr(provenance, "fetch_own_pod", lambda **_: pod)

    async def test_names_the_secret_behind_a_folder(
        self, jp_fetch: Any, secrets_tree: SecretsTree
    ) -> None:
        db_path = str(secrets_tree.root / "db-creds")

        def has_source(listing: dict[str, Any]) -> bool:
            return any("source" in mount for mount in listing["mounts"])

        first, first_etag = await list_mounts(jp_fetch)
        body, etag = first, first_etag
        for _ in range(100):  # the lookup runs in the background; the listing never waits
            if has_source(body):
                break
            await asyncio.sleep(0.05)
            body, etag = await list_mounts(jp_fetch)
        by_path = {mount["path"]: mount for mount in body["mounts"]}
        assert by_path[db_path]["source"] == {
            "secretName": "db-creds",
            "namespace": NAMESPACE,
            "volume": "db",
        }
        assert all("source" not in m for p, m in by_path.items() if p != db_path)
        if not has_source(first):
            # Clients polling with If-None-Match see the source when it arrives.
            assert etag != first_etag


class TestListingWithoutProvenance:
    @pytest.fixture
    def pod_lookup(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def forbidden(**_: Any) -> dict[str, Any]:
            raise ProvenanceUnavailable("the API server answered 403")

        monkeypatch.setattr(provenance, "fetch_own_pod", forbidden)

    async def test_listing_is_unchanged_and_quiet(
        self, jp_fetch: Any, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.INFO):
            for _ in range(3):
                body, _etag = await list_mounts(jp_fetch)
                assert body["mounts"]
                assert all("source" not in mount for mount in body["mounts"])
                await asyncio.sleep(0.05)
        provenance_logs = [r for r in caplog.records if "provenance" in r.name]
        assert [r.levelno for r in provenance_logs] == [logging.DEBUG] * len(provenance_logs)


def test_picks_the_container_whose_mounts_exist_here(tmp_path: Path) -> None:
    here = tmp_path / "creds"
    here.mkdir()
    pod = notebook_pod(NAMESPACE, POD)
    sidecar = {
        "name": "proxy",
        "volumeMounts": [{"name": "tls", "mountPath": "/nowhere/tls"}],
    }
    pod["spec"]["containers"] = [
        sidecar,
        {"name": "notebook", "volumeMounts": [{"name": "db", "mountPath": str(here)}]},
    ]
    assert sources_from_pod(pod) == {
        str(here): {"secretName": "db-creds", "namespace": NAMESPACE, "volume": "db"}
    }
