"""Crafted requests against every endpoint: nothing from outside the roots, never a 500.

A canary file is planted outside the secrets root and reachable through symlinks inside
it; every secret value under the root is a canary too. With reveal allowed (so values are
really read), 1,000+ hostile paths, keys, URLs, query strings and headers must never bring
back a canary, and the server must answer every one of them with a client error at worst.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest

from .guard_helpers import policy
from .test_auth import extension_endpoints
from .trees import SecretsTree

# 301/302: Jupyter redirects paths ending in "/" to the same path without it.
ALLOWED_STATUS = {200, 301, 302, 304, 400, 403, 404, 405, 409, 413, 414}


@dataclass(frozen=True)
class Probe:
    method: str
    url: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()


def hostile_strings(tree: SecretsTree) -> list[str]:
    root, outside = str(tree.root), str(tree.outside)
    return [
        "..",
        "../",
        "../..",
        "../../outside/canary.txt",
        "..%2f..%2foutside%2fcanary.txt",
        "..%252f..%252foutside",
        "%2e%2e/%2e%2e/",
        "%252e%252e%252f",
        "..\\..\\outside",
        "..%5c..%5c",
        "%c0%ae%c0%ae/",
        "\uff0e\uff0e\uff0f",  # fullwidth ../
        "\u2025/",
        "....//....//",
        "..;/",
        ".",
        "./",
        "/",
        "//",
        "/etc/passwd",
        "//etc//passwd",
        "/proc/self/environ",
        "/proc/self/root/etc/passwd",
        "file:///etc/passwd",
        "\x00",
        "db-creds\x00",
        "db-creds\x00/../../outside/canary.txt",
        "password\x00.txt",
        "%00",
        "\n",
        "\r\nX-Injected: 1",
        "~",
        "~root/.bashrc",
        "$HOME",
        "*",
        "db-*",
        "[a-z]*",
        "..data",
        "..data/password",
        "..data/../..data/password",
        "a" * 5000,
        "../" * 2000,
        "x/" * 1000,
        "ü" * 300,
        outside,
        f"{outside}/canary.txt",
        f"{root}/../outside/canary.txt",
        f"{root}/db-creds/../../outside/canary.txt",
        f"{root}/plain/escape",
        f"{root}/plain/escape-absolute",
        f"{root}/db-creds/escape",
        f"{root}/db-creds/..data/password",
        f"{root}//db-creds",
        f"{root}/./db-creds",
        f"{root}/db-creds/.",
        root,
    ]


def url_forms(text: str) -> list[str]:
    """As sent by a careless client, fully encoded, and double-encoded."""
    once = quote(text, safe="")
    return [quote(text, safe="/%;~*$[]"), once, quote(once, safe="")]


def build_probes(tree: SecretsTree, base: str, gets: list[str], posts: list[str]) -> list[Probe]:
    hostile = hostile_strings(tree)
    ns = f"{base}secret-mounts"
    probes: list[Probe] = []
    for text in hostile:
        for form in url_forms(text):
            probes.append(Probe("GET", f"{ns}/{form}"))
            probes.extend(Probe("GET", f"{ns}/{name}/{form}") for name in gets)
            probes.extend(Probe("POST", f"{ns}/{name}/{form}", b"{}") for name in posts)
        query = quote(text, safe="")
        probes.extend(Probe("GET", f"{ns}/{name}?path={query}&key={query}") for name in gets)
        if not any(c in text for c in "\r\n\x00"):  # the client refuses those in headers
            raw = text[:4000].encode().decode("latin-1")  # UTF-8 bytes, as browsers send them
            probes.append(Probe("GET", f"{ns}/mounts", headers=(("If-None-Match", raw),)))
        for name in posts:  # any POST endpoint, whatever body shape it expects
            shapes: list[object] = [
                {"path": text, "key": text},
                {"texts": [{"id": text, "text": text}]},
            ]
            probes.extend(Probe("POST", f"{ns}/{name}", json.dumps(s).encode()) for s in shapes)
    # reveal: hostile folders with plausible keys, real folders with hostile keys
    real_folders = [str(tree.root / f) for f in ("db-creds", "tls", "plain", "blob")]
    plausible_keys = ["password", "username", "escape", "escape-absolute", "tls/tls.key"]
    pairs = [(f, k) for f in hostile for k in plausible_keys]
    pairs += [(f, k) for f in real_folders for k in hostile]
    pairs += [(f, k) for f in real_folders for k in ("escape", "escape-absolute", "dangling")]
    for folder, key in pairs:
        reveal = json.dumps({"path": folder, "key": key}).encode()
        probes.append(Probe("POST", f"{ns}/reveal", reveal))
    for garbage in (b'{"path": "\\u0000", "key": "\\u0000"}', b"\x00" * 64, b'{"path": ["x"]}'):
        probes.extend(Probe("POST", f"{ns}/{name}", garbage) for name in posts)
    return probes


class TestCraftedRequests:
    secret_mounts_policy = policy(allow_reveal=True)

    async def test_no_byte_from_outside_and_no_500(
        self,
        *,
        jp_serverapp: Any,
        http_server_client: Any,
        jp_auth_header: dict[str, str],
        jp_base_url: str,
        secrets_tree: SecretsTree,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        caplog.set_level(logging.INFO)
        endpoints = extension_endpoints(jp_serverapp)
        gets = sorted({url.rsplit("/", 1)[-1] for url, m, _ in endpoints if m == "GET"})
        posts = sorted({url.rsplit("/", 1)[-1] for url, m, _ in endpoints if m == "POST"})
        probes = build_probes(secrets_tree, jp_base_url, gets, posts)
        assert len(probes) >= 1000
        canaries = secrets_tree.all_canaries
        statuses: dict[int, int] = {}
        for probe in probes:
            response = await http_server_client.fetch(
                probe.url,
                method=probe.method,
                body=probe.body,
                headers={**jp_auth_header, **dict(probe.headers)},
                raise_error=False,
                allow_nonstandard_methods=True,
                follow_redirects=False,
            )
            statuses[response.code] = statuses.get(response.code, 0) + 1
            assert response.code in ALLOWED_STATUS, (probe, response.code, response.body[:300])
            for value in canaries:
                assert value not in response.body, probe
        # The suite really reached the code that reads values, and was refused there.
        assert statuses.get(404, 0) > 500 and statuses.get(409, 0) > 0
        logged = caplog.text.encode()
        for value in canaries:
            assert value not in logged

    async def test_legit_reveal_still_works(self, jp_fetch: Any, secrets_tree: SecretsTree) -> None:
        # The control for the suite above: the same server does reveal listed keys.
        body = json.dumps({"path": str(secrets_tree.root / "db-creds"), "key": "password"})
        response = await jp_fetch("secret-mounts", "reveal", method="POST", body=body)
        assert (
            json.loads(response.body)["value"] == secrets_tree.values["db-creds/password"].decode()
        )
