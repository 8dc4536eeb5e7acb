"""Helpers shared by the notebook-guard tests (leak checks, pre-save hook)."""

from __future__ import annotations

import json
from typing import Any

from tornado.httpclient import HTTPClientError, HTTPResponse
from traitlets.config import Config
from traitlets.config.loader import KVArgParseConfigLoader


def js_index(text: str, python_index: int) -> int:
    """What JavaScript's indexing calls position `python_index` of `text` (UTF-16 code units)."""
    return len(text[:python_index].encode("utf-16-le")) // 2


async def check(jp_fetch: Any, texts: dict[str, str]) -> list[dict[str, Any]]:
    body = {"texts": [{"id": key, "text": text} for key, text in texts.items()]}
    response = await jp_fetch("secret-mounts", "check", method="POST", body=json.dumps(body))
    matches: list[dict[str, Any]] = json.loads(response.body)["matches"]
    return matches


async def error_of(request: Any) -> tuple[int, str, bytes]:
    """Status, JSON `message` and raw body of a request that must fail."""
    try:
        await request
    except HTTPClientError as error:
        response: HTTPResponse | None = error.response
        assert response is not None
        return error.code, json.loads(response.body).get("message", ""), response.body
    raise AssertionError("the request succeeded")


def flags(*argv: str) -> Config:
    """The config jupyter_server builds from these command-line flags (traitlets' own loader)."""
    return KVArgParseConfigLoader(list(argv), classes=[]).load_config()
