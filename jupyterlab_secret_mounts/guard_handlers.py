"""Endpoints of the notebook guard: exact-value leak checks and the last pre-save findings."""

from __future__ import annotations

import asyncio

from jupyter_server.auth.decorator import authorized
from tornado import web

from .findings import normalize_path
from .guard import GUARD_SETTING, Guard
from .handlers import HANDLERS, SecretMountsHandler
from .leaks import BadCheckRequest, CheckTooLarge, check_texts, parse_request


class GuardHandler(SecretMountsHandler):
    @property
    def guard(self) -> Guard:
        return self.settings[GUARD_SETTING]  # type: ignore[no-any-return]


class LeakCheckHandler(GuardHandler):
    @web.authenticated
    @authorized  # POST maps to the "write" action: read-only users cannot probe for values
    async def post(self) -> None:
        """`ILeakCheckRequest` -> `ILeakCheckResponse` (ranges and folder/key, never a value)."""
        try:
            texts = parse_request(self.request.body)
        except CheckTooLarge as error:
            raise web.HTTPError(413, str(error)) from None
        except BadCheckRequest as error:
            raise web.HTTPError(400, str(error)) from None

        def check() -> dict[str, object]:
            return check_texts(self.guard.values.current(), texts)

        self.write_json(await asyncio.to_thread(check))


class FindingsHandler(GuardHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        """`ISaveFindings` of the last save of `?path=` (what the pre-save check found there)."""
        path = self.get_query_argument("path", None)
        if path is None:
            raise web.HTTPError(400, "Add ?path=<file path relative to the server root>.")
        report = self.guard.findings.get(path)
        if report is None:
            self.write_json(
                {
                    "path": normalize_path(path),
                    "policy": self.service.settings.save_policy,
                    "checked": None,
                    "blocked": False,
                    "message": "",
                    "findings": [],
                }
            )
            return
        self.write_json(report.to_json())


for _entry in (("check", LeakCheckHandler), ("findings", FindingsHandler)):
    if _entry not in HANDLERS:
        HANDLERS.append(_entry)
