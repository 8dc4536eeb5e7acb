"""Helpers shared by the server-extension tests: policy, notebooks, saves, uploads, checks."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError, HTTPResponse
from traitlets.config import Config
from traitlets.config.loader import KVArgParseConfigLoader

from .trees import SecretsTree


def policy(**settings: Any) -> Any:
    """A test class's `secret_mounts_policy` fixture: conftest's policy with `settings` changed."""

    @pytest.fixture
    def secret_mounts_policy(self: Any, secret_mounts_policy: dict[str, Any]) -> dict[str, Any]:
        return {**secret_mounts_policy, **settings}

    return secret_mounts_policy


def notebook(*cells: dict[str, Any]) -> dict[str, Any]:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": list(cells)}


def code(source: str, *outputs: dict[str, Any]) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "id": f"c{abs(hash(source)) % 10**8}",
        "metadata": {},
        "execution_count": 1 if outputs else None,
        "source": source,
        "outputs": list(outputs),
    }


def stream(text: str) -> dict[str, Any]:
    return {"output_type": "stream", "name": "stdout", "text": text}


def leaky_notebook(tree: SecretsTree) -> dict[str, Any]:
    """Cell 3's output prints the mounted password; cell 5's source holds it pasted."""
    password = tree.values["db-creds/password"].decode()
    return notebook(
        code("import os"),
        code("x = 1"),
        code("print(open('/secrets/db-creds/password').read())", stream(password + "\n")),
        code("y = 2"),
        code(f"conn = connect(password='{password}')"),
    )


async def save(jp_fetch: Any, path: str, content: Any, kind: str = "notebook") -> Any:
    model = {"type": kind, "content": content, "format": "text" if kind == "file" else "json"}
    return await jp_fetch("api", "contents", path, method="PUT", body=json.dumps(model))


async def upload(jp_fetch: Any, path: str, data: bytes, chunk: int | None = None) -> Any:
    """One request as JupyterLab's file browser sends it."""
    content = base64.b64encode(data).decode("ascii")
    model: dict[str, Any] = {"type": "file", "format": "base64", "name": path, "content": content}
    if chunk is not None:
        model["chunk"] = chunk
    return await jp_fetch("api", "contents", path, method="PUT", body=json.dumps(model))


async def findings(jp_fetch: Any, path: str) -> dict[str, Any]:
    response = await jp_fetch("secret-mounts", "findings", params={"path": path})
    return json.loads(response.body)  # type: ignore[no-any-return]


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
