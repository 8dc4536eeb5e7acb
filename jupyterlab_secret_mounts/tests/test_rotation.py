"""Rotation torture: 1,000 kubelet-style `..data` swaps while the real endpoints list, reveal
and leak-check.

Every version writes a username and a password that both carry the version number, so a
torn read (one key from one version, the other from another, or a key missing while the
old version is being deleted) shows up as a mismatched pair. Each answer must also be
fresh: never older than the last swap finished before the request was sent. A leak check of
a text holding one version's username and password must match both keys or neither (the
value index is built from one version), and both when no swap happened meanwhile.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from jupyterlab_secret_mounts.mounts import value_facts
from jupyterlab_secret_mounts.mounts.kubelet import write_atomic

from .guard_helpers import policy
from .trees import SecretsTree

SWAPS = 1000
#: The writer lets both readers finish a request at least this often (interleaving without
#: relying on timing); in between it swaps as fast as it can, also during reads.
PACE = 10


def version_files(version: int) -> dict[str, bytes]:
    # Sizes vary with the version, so a size from one version and a fingerprint from another
    # would not match either.
    pad = "x" * (version % 7)
    return {
        "username": f"user-{version:05d}-{pad}".encode(),
        "password": f"pass-{version:05d}-{pad}{pad}".encode(),
    }


class Writer(threading.Thread):
    def __init__(self, folder: str) -> None:
        super().__init__(daemon=True)
        self.folder = folder
        self.published = 0  # every version <= published is completely written and swapped in
        self.started = 0  # the version being written (== published when none is)
        self.progress = {name: threading.Event() for name in ("list", "reveal", "check")}
        self.failure: BaseException | None = None
        self.stopped = False

    def stop(self) -> None:
        """Let the writer finish early (a reader failed; its error is the one to report)."""
        self.stopped = True
        for event in self.progress.values():
            event.set()

    def run(self) -> None:
        try:
            for version in range(1, SWAPS + 1):
                if self.stopped:
                    return
                if version % PACE == 0:
                    for event in self.progress.values():
                        if not event.wait(timeout=60):
                            raise TimeoutError("a reader stopped making progress")
                        event.clear()
                self.started = version
                write_atomic(self.folder, version_files(version))
                self.published = version
        except BaseException as error:  # reported by the test
            self.failure = error


class Readers:
    """Lists and reveals through the real endpoints, checking every answer."""

    def __init__(self, jp_fetch: Any, folder: str, writer: Writer) -> None:
        self.fetch, self.folder, self.writer = jp_fetch, folder, writer
        self.seen: dict[str, set[int]] = {"list": set(), "reveal": set(), "check": set()}
        self.by_fingerprint = {
            name: {value_facts.fingerprint(version_files(v)[name]): v for v in range(SWAPS + 1)}
            for name in ("username", "password")
        }

    async def lister(self) -> None:
        etag = ""
        while self.writer.is_alive():
            before = self.writer.published
            headers = {"If-None-Match": etag} if etag else {}
            response = await self.fetch(
                "secret-mounts", "mounts", headers=headers, raise_error=False
            )
            after = self.writer.published
            self.writer.progress["list"].set()
            if response.code != 304:
                assert response.code == 200, response.body
                body = json.loads(response.body)
                etag = body["etag"]
                version = self.check_listing(body)
                assert before <= version <= after + 1, "stale listing"
                self.seen["list"].add(version)

    def check_listing(self, body: dict[str, Any]) -> int:
        (mount,) = [m for m in body["mounts"] if m["path"] == self.folder]
        assert "error" not in mount
        keys = {k["name"]: k for k in mount["keys"]}
        assert sorted(keys) == ["password", "username"], keys
        versions = set()
        for name, key in keys.items():
            assert "error" not in key, key
            version = self.by_fingerprint[name][key["fingerprint"]]
            assert key["size"] == len(version_files(version)[name])
            versions.add(version)
        assert len(versions) == 1, "torn listing"
        return versions.pop()

    async def revealer(self) -> None:
        turn = 0
        while self.writer.is_alive():
            name = ("username", "password")[turn % 2]
            turn += 1
            before = self.writer.published
            response = await self.fetch(
                "secret-mounts",
                "reveal",
                method="POST",
                body=json.dumps({"path": self.folder, "key": name}),
                raise_error=False,
            )
            after = self.writer.published
            self.writer.progress["reveal"].set()
            assert response.code == 200, response.body
            value = json.loads(response.body)["value"].encode()
            version = int(value.split(b"-")[1])
            assert value == version_files(version)[name], "torn value"
            assert before <= version <= after + 1, "stale value"
            self.seen["reveal"].add(version)

    async def checker(self) -> None:
        while self.writer.is_alive():
            before = (self.writer.started, self.writer.published)
            keys = await self.check_once(before[1])
            after = (self.writer.started, self.writer.published)
            self.writer.progress["check"].set()
            assert keys in (set(), {"username", "password"}), "torn value index"
            if before == after and before[0] == before[1]:  # no swap at all meanwhile
                assert keys == {"username", "password"}, "stale value index"
            self.seen["check"].add(before[1])

    async def check_once(self, version: int) -> set[str]:
        """Keys of the rotating folder matched in a text holding `version`'s two values."""
        files = version_files(version)
        text = f"db = connect({files['username']!r}, {files['password']!r})"
        response = await self.fetch(
            "secret-mounts",
            "check",
            method="POST",
            body=json.dumps({"texts": [{"id": "cell", "text": text}]}),
            raise_error=False,
        )
        assert response.code == 200, response.body
        matches = json.loads(response.body)["matches"]
        return {m["key"] for m in matches if m["mount"] == self.folder}


class TestRotationTorture:
    secret_mounts_policy = policy(allow_reveal=True)

    async def test_no_torn_reads(self, jp_fetch: Any, secrets_tree: SecretsTree) -> None:
        folder = str(secrets_tree.root / "rotating")
        write_atomic(folder, version_files(0))
        writer = Writer(folder)
        readers = Readers(jp_fetch, folder, writer)
        writer.start()
        try:
            await asyncio.gather(readers.lister(), readers.revealer(), readers.checker())
        finally:
            if writer.is_alive():
                writer.stop()
            writer.join(timeout=120)
        assert writer.failure is None, writer.failure
        assert writer.published == SWAPS
        # Both readers really ran alongside the writer, over many versions.
        assert len(readers.seen["list"]) >= SWAPS // PACE // 2
        assert len(readers.seen["reveal"]) >= SWAPS // PACE // 2
        assert len(readers.seen["check"]) >= SWAPS // PACE // 2
        # Once rotation stops, the index holds exactly the last version.
        assert await readers.check_once(SWAPS) == {"username", "password"}
        assert await readers.check_once(SWAPS - 1) == set()
