"""The Kubernetes client's retries and sentences, one failure at a time (no server needed).

Throttling (429) is retried for any request, after the Retry-After the API server asked for;
transient failures (5xx, no answer) only for reads, which are safe to repeat. Every failure
ends as one sentence built from the API server's own Status message.
"""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from jupyterlab_secret_mounts.kube import client as client_module
from jupyterlab_secret_mounts.kube.client import ApiException, KubeClient
from jupyterlab_secret_mounts.kube.errors import KubeError, describe_failure

SERVER = "https://10.0.0.1:443"


def api_error(status: int, reason: str = "", message: str = "", **headers: str) -> Exception:
    error = ApiException(status=status, reason=reason)
    body = {"kind": "Status", "status": "Failure", "reason": reason, "code": status}
    if message:
        body["message"] = message
    error.body = json.dumps(body).encode()
    error.headers = headers
    return error


class Script:
    """A request that fails as scripted, then succeeds; counts its attempts."""

    def __init__(self, *failures: BaseException) -> None:
        self.failures = list(failures)
        self.attempts = 0

    async def __call__(self) -> str:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        return "done"


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> KubeClient:
    waits: list[float] = []

    async def no_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(client_module.asyncio, "sleep", no_sleep)
    made = KubeClient(object(), SERVER, timeout=2.0)
    made.waits = waits  # type: ignore[attr-defined]
    return made


async def test_429_is_retried_after_retry_after_for_writes_too(client: KubeClient) -> None:
    script = Script(api_error(429, "TooManyRequests", "Too many requests", **{"Retry-After": "2"}))
    assert await client.call("create Secret x", script, idempotent=False) == "done"
    assert script.attempts == 2
    assert client.waits == [2.0]  # type: ignore[attr-defined]


async def test_transient_failures_are_retried_for_reads_only(client: KubeClient) -> None:
    read = Script(api_error(503, "ServiceUnavailable"), ConnectionResetError())
    assert await client.call("read Pod p", read, idempotent=True) == "done"
    assert read.attempts == 3

    write = Script(api_error(503, "ServiceUnavailable", "etcd is busy"))
    with pytest.raises(KubeError) as failed:
        await client.call("create Secret x", write, idempotent=False)
    assert write.attempts == 1
    assert str(failed.value) == (
        "The Kubernetes API failed to create Secret x (503 ServiceUnavailable): etcd is busy."
    )


async def test_retries_are_bounded(client: KubeClient) -> None:
    script = Script(*[api_error(429, "TooManyRequests")] * 5)
    with pytest.raises(KubeError, match=r"too busy to read Pod p \(429\); try again later"):
        await client.call("read Pod p", script, idempotent=True)
    assert script.attempts == 3


async def test_a_long_retry_after_is_not_waited_for(client: KubeClient) -> None:
    script = Script(api_error(429, "TooManyRequests", **{"Retry-After": "60"}))
    with pytest.raises(KubeError, match=r"try again in 60 s"):
        await client.call("read Pod p", script, idempotent=True)
    assert script.attempts == 1


async def test_no_answer_within_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    made = KubeClient(object(), SERVER, timeout=0.05)

    async def hang() -> None:
        await asyncio.Event().wait()

    with pytest.raises(KubeError) as failed:
        await made.call("create Secret x", hang, idempotent=False)
    assert str(failed.value) == (
        f"The Kubernetes API at {SERVER} did not answer within 0.05 s (trying to create Secret x)."
    )


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (
            api_error(401, "Unauthorized", "Unauthorized"),
            "The Kubernetes API did not accept this pod's service-account token "
            "(trying to create Secret x in namespace a).",
        ),
        (
            api_error(404, "NotFound", 'namespaces "a" not found'),
            'Could not create Secret x in namespace a: namespaces "a" not found.',
        ),
        (
            api_error(
                422,
                "Invalid",
                'Secret "x" is invalid: data: Too long: must have at most 1048576 bytes',
            ),
            'Kubernetes refused to create Secret x in namespace a: Secret "x" is invalid: '
            "data: Too long: must have at most 1048576 bytes.",
        ),
        (
            ConnectionRefusedError(111, "Connection refused"),
            f"The Kubernetes API at {SERVER} could not be reached "
            "(trying to create Secret x in namespace a).",
        ),
    ],
)
def test_one_sentence_per_failure(error: Exception, sentence: str) -> None:
    failure = describe_failure(error, "create Secret x in namespace a", SERVER, 10)
    assert str(failure) == sentence


def test_response_bodies_never_reach_the_log(caplog: pytest.LogCaptureFixture) -> None:
    rest = logging.getLogger("kubernetes_asyncio.client.rest")
    with caplog.at_level(logging.DEBUG):
        rest.setLevel(logging.DEBUG)
        rest.debug("response body: %s", b'{"data": {"token": "c2VjcmV0"}}')
        rest.debug("something else")
    assert [record.getMessage() for record in caplog.records] == ["something else"]
