"""Every endpoint of this extension is authenticated and authorized; POSTs need XSRF with cookies.

The endpoints are found by walking the server's routing table, so one added later (for
example the leak check) is covered without touching this file.
"""

from __future__ import annotations

import json
from http.cookies import SimpleCookie
from typing import Any

import pytest
from jupyter_server.auth import Authorizer
from tornado.routing import Router
from tornado.web import RequestHandler
from traitlets.config import Config

from .guard_helpers import policy
from .trees import SecretsTree

PACKAGE = "jupyterlab_secret_mounts"
BODY_METHODS = {"POST", "PUT", "PATCH"}


class RecordingAuthorizer(Authorizer):
    """Allows or denies everything, and remembers what was asked."""

    deny = False
    asked: list[tuple[str, str, str]] = []

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        RecordingAuthorizer.asked.append((type(handler).__name__, action, resource))
        return not RecordingAuthorizer.deny


def extension_endpoints(app: Any) -> list[tuple[str, str, type]]:
    """(url, HTTP method, handler class) for every verb this package implements."""
    found: list[tuple[str, str, type]] = []

    def walk(router: Router) -> None:
        for rule in getattr(router, "rules", []):
            if isinstance(rule.target, Router):
                walk(rule.target)
                continue
            handler = rule.target
            if not isinstance(handler, type) or not issubclass(handler, RequestHandler):
                continue
            if not handler.__module__.startswith(PACKAGE):
                continue
            groups = rule.matcher.regex.groups
            url = rule.matcher.reverse(*(["x"] * groups))
            for method in handler.SUPPORTED_METHODS:
                function = getattr(handler, method.lower(), None)
                if function is not None and function.__module__.startswith(PACKAGE):
                    found.append((url, method, handler))

    walk(app.web_app.wildcard_router)
    walk(app.web_app.default_router)
    return found


@pytest.fixture
def endpoints(jp_serverapp: Any) -> list[tuple[str, str, type]]:
    found = extension_endpoints(jp_serverapp)
    urls = {url.rsplit("/", 1)[-1] for url, _, _ in found}
    assert {"version", "policy", "mounts", "reveal"} <= urls  # the walk sees our routes
    return found


async def send(client: Any, url: str, method: str, **kwargs: Any) -> Any:
    """A raw request to the test server: no token added, the URL sent as given."""
    if method in BODY_METHODS:
        kwargs.setdefault("body", "{}")
    return await client.fetch(url, method=method, raise_error=False, **kwargs)


async def test_every_verb_needs_a_token(
    endpoints: list[tuple[str, str, type]], http_server_client: Any
) -> None:
    for url, method, _ in endpoints:
        for headers in ({}, {"Authorization": "token wrong"}):
            response = await send(http_server_client, url, method, headers=headers)
            assert response.code in (401, 403), (url, method, headers, response.code)
            assert b"CANARY" not in response.body


class TestAuthorization:
    @pytest.fixture
    def jp_server_config(self, secret_mounts_policy: dict[str, Any]) -> Config:
        return Config(
            {
                "ServerApp": {
                    "jpserver_extensions": {PACKAGE: True},
                    "authorizer_class": RecordingAuthorizer,
                },
                "SecretMounts": {**secret_mounts_policy, "allow_reveal": True},
            }
        )

    async def test_every_verb_is_authorized(
        self,
        endpoints: list[tuple[str, str, type]],
        http_server_client: Any,
        jp_auth_header: dict[str, str],
    ) -> None:
        RecordingAuthorizer.asked.clear()
        RecordingAuthorizer.deny = True
        try:
            for url, method, handler in endpoints:
                response = await send(http_server_client, url, method, headers=jp_auth_header)
                assert response.code == 403, (url, method)
                assert (handler.__name__, "secret-mounts") in {
                    (name, resource) for name, _, resource in RecordingAuthorizer.asked
                }
        finally:
            RecordingAuthorizer.deny = False
        actions = {(name, action) for name, action, _ in RecordingAuthorizer.asked}
        assert ("RevealHandler", "execute") in actions  # a value needs more than `read`
        assert ("MountsHandler", "read") in actions


class TestXsrf:
    secret_mounts_policy = policy(allow_reveal=True)

    async def test_cookie_posts_need_xsrf(
        self,
        endpoints: list[tuple[str, str, type]],
        http_server_client: Any,
        jp_base_url: str,
        jp_serverapp: Any,
        secrets_tree: SecretsTree,
    ) -> None:
        token = jp_serverapp.identity_provider.token
        login = await send(
            http_server_client,
            f"{jp_base_url}secret-mounts/version?token={token}",
            "GET",
        )
        assert login.code == 200
        jar: SimpleCookie = SimpleCookie()
        for header in login.headers.get_list("Set-Cookie"):
            jar.load(header)
        login_cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())
        assert login_cookie  # logged in by cookie from now on, no token

        posts = [(url, method) for url, method, _ in endpoints if method in BODY_METHODS]
        assert posts
        for url, method in posts:
            response = await send(http_server_client, url, method, headers={"Cookie": login_cookie})
            assert response.code == 403, (url, method)
            assert "xsrf" in response.body.decode().lower()

        # Control: the same cookie with a matching XSRF cookie and header is let through.
        body = json.dumps({"path": str(secrets_tree.root / "db-creds"), "key": "username"})
        reveal = f"{jp_base_url}secret-mounts/reveal"
        allowed = await send(
            http_server_client,
            reveal,
            "POST",
            body=body,
            headers={"Cookie": f"{login_cookie}; _xsrf=abc123", "X-XSRFToken": "abc123"},
        )
        assert allowed.code == 200
        assert (
            json.loads(allowed.body)["value"] == secrets_tree.values["db-creds/username"].decode()
        )
