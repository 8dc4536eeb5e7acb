"""Canaries: driving every guard endpoint and the pre-save hook never shows a value anywhere.

Each mounted value is a unique canary. The test leaks all of them, in every form, through
`POST /check`, notebook saves under `warn` and `block`, and `GET /findings`, and then looks for
them (and their base64 forms) in every response body and every log line of the server.
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from .trees import SecretsTree


def leaks(tree: SecretsTree) -> list[str]:
    """Every mounted value as a cell would hold it: raw text and base64."""
    texts = []
    for value in tree.values.values():
        texts.append(f"print('{base64.b64encode(value).decode()}')")
        try:
            texts.append(f"token = '{value.decode()}'")
        except UnicodeDecodeError:
            pass
    return texts


def notebook_of(texts: list[str]) -> dict[str, Any]:
    cells = [
        {
            "cell_type": "code",
            "id": f"cell-{i}",
            "metadata": {},
            "execution_count": 1,
            "source": text,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": text}],
        }
        for i, text in enumerate(texts)
    ]
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}


def forbidden(tree: SecretsTree) -> list[bytes]:
    values = tree.all_canaries
    return [*values, *(base64.b64encode(v) for v in values)]


@pytest.mark.parametrize("policy", ["warn", "block"])
async def test_no_value_in_any_response_or_log_line(
    jp_fetch: Any,
    jp_serverapp: Any,
    secrets_tree: SecretsTree,
    caplog: pytest.LogCaptureFixture,
    policy: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    jp_serverapp.web_app.settings["secret_mounts"].settings.save_policy = policy
    texts = leaks(secrets_tree)
    bodies: list[bytes] = []

    check = {"texts": [{"id": str(i), "text": t} for i, t in enumerate(texts)]}
    response = await jp_fetch("secret-mounts", "check", method="POST", body=json.dumps(check))
    assert len(json.loads(response.body)["matches"]) >= len(secrets_tree.values)
    bodies.append(response.body)

    model = {"type": "notebook", "format": "json", "content": notebook_of(texts)}
    try:
        response = await jp_fetch(
            "api", "contents", "leaky.ipynb", method="PUT", body=json.dumps(model)
        )
        bodies.append(response.body)
        assert policy == "warn"
    except HTTPClientError as error:
        assert policy == "block" and error.code == 403 and error.response is not None
        bodies.append(error.response.body)

    response = await jp_fetch("secret-mounts", "findings", params={"path": "leaky.ipynb"})
    report = json.loads(response.body)
    assert report["findings"] and report["blocked"] is (policy == "block")
    bodies.append(response.body)

    logged = "\n".join(
        [
            caplog.text,
            *(str(r.args) for r in caplog.records),
            *(r.getMessage() for r in caplog.records),
        ]
    ).encode("utf-8", "backslashreplace")
    assert b"secret-mounts: 'leaky.ipynb'" in logged  # the save was logged, by place
    for canary in forbidden(secrets_tree):
        for body in bodies:
            assert canary not in body
        assert canary not in logged
