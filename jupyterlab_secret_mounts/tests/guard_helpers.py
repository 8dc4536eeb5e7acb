"""Helpers shared by the notebook-guard tests (leak checks, pre-save hook)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tornado.httpclient import HTTPClientError, HTTPResponse


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


class LogCapture(logging.Handler):
    """Every record of the loggers a Jupyter server writes to, formatted as it would be logged."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def captured_logs(*loggers: logging.Logger) -> Iterator[LogCapture]:
    capture = LogCapture()
    targets = [*loggers, logging.getLogger("tornado"), logging.getLogger()]
    old_levels = [target.level for target in targets]
    for target in targets:
        target.addHandler(capture)
        target.setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        for target, level in zip(targets, old_levels):
            target.removeHandler(capture)
            target.setLevel(level)
