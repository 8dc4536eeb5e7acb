"""REST endpoints under `<base_url>/secret-mounts/` (shapes: src/mounts/types.ts).

The server adapter of the mounts and guard parts: each handler parses a request, calls the
part and writes JSON. `extension.py` registers them.
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.auth import IdentityProvider
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado import web

from . import __version__
from .git.gitconfig import GitUnavailable
from .git.remote import BadRemote
from .git.service import GitCredentials, GitCredentialsOff, NotAKey
from .guard.findings import normalize_path
from .guard.leaks import BadCheckRequest, CheckTooLarge, characters, check_texts, parse_request
from .guard.live_index import ValuesUnavailable
from .guard.rate import RateLimited
from .guard.service import Guard
from .kube.create import MoveRefused, SecretRequest
from .kube.service import SecretCreation
from .logsafe import loggable
from .mounts.service import KeyNotFound, KeyUnreadable, SecretMountsService

AUTH_RESOURCE = "secret-mounts"
#: Whoever may run code can read every mounted file from a kernel: revealing a value, or asking
#: whether some text holds one, needs that same permission.
VALUE_ACCESS = ("execute", "kernels")
#: How long a leak check waits for the value index to catch up with a rotation (seconds);
#: past it, the check answers from the index of before the rotation.
CHECK_INDEX_WAIT = 1.0
#: Keys of the shared `SecretMountsService` and `Guard` in the Tornado application settings.
SERVICE_SETTING = "secret_mounts"
GUARD_SETTING = "secret_mounts_guard"
CREATION_SETTING = "secret_mounts_creation"
GIT_SETTING = "secret_mounts_git"
#: Largest body of a Secret creation: a 1 MiB value, JSON-escaped.
MAX_CREATE_BODY = 8 * 1024 * 1024


class SecretMountsHandler(APIHandler):
    """Base of every endpoint here: one authorization resource, the shared service and guard."""

    auth_resource = AUTH_RESOURCE

    @property
    def service(self) -> SecretMountsService:
        return self.settings[SERVICE_SETTING]  # type: ignore[no-any-return]

    @property
    def guard(self) -> Guard:
        return self.settings[GUARD_SETTING]  # type: ignore[no-any-return]

    @property
    def git(self) -> GitCredentials:
        return self.settings[GIT_SETTING]  # type: ignore[no-any-return]

    @property
    def creation(self) -> SecretCreation:
        return self.settings[CREATION_SETTING]  # type: ignore[no-any-return]

    def json_object(self, usage: str) -> dict[str, Any]:
        """The request body as a JSON object, or 400 with `usage` (the body is never echoed)."""
        try:
            body = json.loads(self.request.body or b"null")
        except (ValueError, RecursionError):
            raise web.HTTPError(400, usage) from None
        if not isinstance(body, dict):
            raise web.HTTPError(400, usage)
        return body

    def write_json(self, data: Any) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    @property
    def requester(self) -> str:
        """Who is asking, for audit lines and per-user budgets: the identity provider's username.

        jupyter_server's own provider names no one for a call that carries the server's shared
        token without a login cookie: it makes up a random user for each such request. Those
        calls are named by how they logged in instead.
        """
        provider = self.identity_provider
        stock = type(provider).get_user is IdentityProvider.get_user
        token = getattr(provider, "token", "")
        if (
            stock
            and token
            and provider.get_token(self) == token
            and self.get_cookie(provider.get_cookie_name(self)) is None
        ):
            return "(server token)"
        return getattr(self.current_user, "username", None) or "?"

    async def may_access_values(self) -> bool:
        """Whether the user may run code in kernels (and so read mounted files anyway)."""
        action, resource = VALUE_ACCESS
        allowed = self.authorizer.is_authorized(self, self.current_user, action, resource)
        return bool(await ensure_async(allowed))


class VersionHandler(SecretMountsHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        """`IVersionResponse`: lets the frontend warn when it and the server differ."""
        self.write_json({"version": __version__})


class PolicyHandler(SecretMountsHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        """`IServerPolicy`: the admin's policy, read-only."""
        self.write_json(self.service.settings.policy_json())


class MountsHandler(SecretMountsHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        """`IMountsResponse`; 304 when `If-None-Match` carries the current ETag (cheap polling)."""
        found = await asyncio.to_thread(self.service.discover)
        # Secrets created here and not mounted yet are listed as pending, until they appear.
        pending = self.creation.pending(found)
        etag = f"{found.etag}-{self.creation.version}" if pending else found.etag
        self.set_header("ETag", f'"{etag}"')
        if etag_matches(self.request.headers.get("If-None-Match"), etag):
            self.set_status(304)
            self.finish()
            return
        self.write_json({**found.to_json(), "etag": etag, "pending": pending})


class RevealHandler(SecretMountsHandler):
    # Seeing a value is as powerful as running `cat` in a kernel, so it takes the
    # `execute` permission, on this resource and on kernels: a read-only collaborator may list
    # keys but not reveal them. (jupyter_server only types the bare `@authorized`.)
    @web.authenticated
    @authorized("execute")  # type: ignore[untyped-decorator]
    async def post(self) -> None:
        """Body `{path, key}` (a folder's path and key name as listed) -> `{value, hideAfterSeconds,
        encoding}`; only when the admin set `c.SecretMounts.allow_reveal = True`.

        Every attempt writes one audit line, refused or not."""
        path, key = self._peek_request()
        try:
            value = await self._reveal()
        except web.HTTPError as error:
            self._audit(f"refused ({error.status_code})", path, key)
            raise
        self._audit("revealed", path, key)
        try:
            text, encoding = value.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = base64.b64encode(value).decode("ascii"), "base64"
        self.write_json(
            {
                "value": text,
                "hideAfterSeconds": self.service.settings.reveal_seconds,
                "encoding": encoding,
            }
        )

    async def _reveal(self) -> bytes:
        if not await self.may_access_values():
            raise web.HTTPError(
                403, "Revealing a value needs permission to run code on this server."
            )
        if not self.service.settings.allow_reveal:
            raise web.HTTPError(
                403,
                "Revealing values is turned off on this server "
                "(the administrator can set c.SecretMounts.allow_reveal = True).",
            )
        path, key = self._reveal_request()
        try:
            return await asyncio.to_thread(self.service.read_value, path, key)
        except KeyNotFound:
            raise web.HTTPError(404, "No such key in a discovered secret folder.") from None
        except KeyUnreadable as error:
            raise web.HTTPError(409, f"This key cannot be revealed: {error}") from None

    def _reveal_request(self) -> tuple[str, str]:
        # Parsed here rather than with get_json_body(), which logs bad bodies and fails
        # with a 500 on bytes that are not UTF-8.
        usage = 'Send a JSON body {"path": "<folder path>", "key": "<key name>"}.'
        body = self.json_object(usage)
        path, key = body.get("path"), body.get("key")
        if not isinstance(path, str) or not isinstance(key, str):
            raise web.HTTPError(400, usage)
        return path, key

    def _peek_request(self) -> tuple[str, str]:
        try:
            return self._reveal_request()
        except web.HTTPError:
            return "?", "?"

    def _audit(self, outcome: str, path: str, key: str) -> None:
        """One log line per reveal attempt, naming who, which folder and which key; no value."""
        self.log.info(
            "secret-mounts audit: reveal %s: user=%s folder=%s key=%s",
            outcome,
            loggable(self.requester),
            loggable(path),
            loggable(key),
        )


class LeakCheckHandler(SecretMountsHandler):
    @web.authenticated
    @authorized("execute")  # type: ignore[untyped-decorator]
    async def post(self) -> None:
        """`ILeakCheckRequest` -> `ILeakCheckResponse` (ranges and folder/key, never a value).

        Where a text matched tells which text was the value, so the check is bounded like an
        oracle: it needs the permission that reads values anyway (running code), a body within
        `MAX_BODY_BYTES` and `MAX_TEXTS`, a per-user budget of characters per minute, and the
        index never holds values weak enough to enumerate (`MatchFloor`)."""
        if not await self.may_access_values():
            raise web.HTTPError(
                403,
                "Checking text for mounted values needs permission to run code on this server.",
            )
        try:
            texts = parse_request(self.request.body)
        except CheckTooLarge as error:
            raise web.HTTPError(413, str(error)) from None
        except BadCheckRequest as error:
            raise web.HTTPError(400, str(error)) from None
        try:
            self.guard.check_budget.spend(self.requester, characters(texts))
        except RateLimited as limited:
            # Written here: raising HTTPError would drop the Retry-After header.
            self.set_status(429)
            self.set_header("Retry-After", str(limited.retry_after))
            self.write_json(
                {
                    "message": "Too many leak checks from this user; "
                    f"try again in {limited.retry_after} s.",
                    "reason": "Too Many Requests",
                }
            )
            return

        def check() -> dict[str, object]:
            return check_texts(self.guard.values.current(wait=CHECK_INDEX_WAIT), texts)

        try:
            self.write_json(await asyncio.to_thread(check))
        except ValuesUnavailable as error:
            # Never an answer that looks clean: the caller cannot tell a partial index apart.
            # (`%` dropped: tornado %-formats error messages.)
            message = f"The leak check is incomplete: {error}.".replace("%", "")
            raise web.HTTPError(503, message) from None


class CreateStatusHandler(SecretMountsHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        """`ICreateStatus`: whether Secrets can be created from here, and why not."""
        self.write_json(await self.creation.status())


class SecretsHandler(SecretMountsHandler):
    # Creating a Secret in the cluster is a write, and as powerful as running `kubectl` in a
    # terminal of this workspace: it takes `write` here and the permission to run code.
    @web.authenticated
    @authorized("write")  # type: ignore[untyped-decorator]
    async def post(self) -> None:
        """`IMoveRequest` {secretName, key, value, addKey} -> `IMoved` (never the value).

        The value travels in this request only: it is not logged, not stored, not answered."""
        if not await self.may_access_values():
            raise web.HTTPError(
                403, "Creating a Secret needs permission to run code on this server."
            )
        if len(self.request.body) > MAX_CREATE_BODY:
            raise web.HTTPError(413, "A Kubernetes Secret holds at most 1 MiB.")
        request = self._parse()
        try:
            moved = await self.creation.move(request, self.requester)
        except MoveRefused as refused:
            self.set_status(refused.status)
            self.write_json({"message": str(refused), "reason": refused.reason})
            return
        self.set_status(201)
        self.write_json(moved.to_json())

    def _parse(self) -> SecretRequest:
        # Parsed here: get_json_body() logs a body it cannot parse, and this one holds a value.
        usage = (
            'Send a JSON body {"secretName": "<name>", "key": "<key>", "value": "<text>", '
            '"addKey": false}.'
        )
        body = self.json_object(usage)
        name, key, value = body.get("secretName"), body.get("key"), body.get("value")
        add_key = body.get("addKey", False)
        if (
            not isinstance(name, str)
            or not isinstance(key, str)
            or not isinstance(value, str)
            or not isinstance(add_key, bool)
        ):
            raise web.HTTPError(400, usage)
        if not value:
            raise web.HTTPError(400, "The value is empty.")
        return SecretRequest(name, key, value.encode("utf-8"), add_key)


class FindingsHandler(SecretMountsHandler):
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
                    "total": 0,
                    "complete": True,
                }
            )
            return
        self.write_json(report.to_json())


class GitCredentialsHandler(SecretMountsHandler):
    """Use for git: `IGitCredentialsResponse`; POST sets a host up, DELETE `?url=` undoes it.

    Setting git up to send a key to a host is as powerful as reading it, so changes take the
    same permission as reveal (running code); every change writes one audit line."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        await self._write_listing()

    @web.authenticated
    @authorized("execute")  # type: ignore[untyped-decorator]
    async def post(self) -> None:
        """Body `{mount, key, host, username}`."""
        usage = (
            'Send a JSON body {"mount": "<folder path>", "key": "<key name>", '
            '"host": "<https://host>", "username": "<user name>"}.'
        )
        body = _json_object(self.request.body, usage)
        fields = [body.get(name) for name in ("mount", "key", "host", "username")]
        if not all(isinstance(value, str) for value in fields):
            raise web.HTTPError(400, usage)
        mount, key, host, username = (str(value) for value in fields)
        await self._require_value_access("Setting up git credentials")
        try:
            done = await asyncio.to_thread(self.git.use, mount, key, host, username)
        except GitCredentialsOff:
            raise web.HTTPError(
                403,
                "Git credentials from mounted secrets are turned off on this server "
                "(the administrator can set c.SecretMounts.allow_git_credentials = True).",
            ) from None
        except BadRemote as error:
            raise web.HTTPError(400, str(error)) from None
        except NotAKey:
            raise web.HTTPError(
                404, "No readable text key by that name in a discovered secret folder."
            ) from None
        except GitUnavailable as error:
            raise web.HTTPError(409, str(error)) from None
        self._audit("set", done.url, f"folder={loggable(mount)} key={loggable(key)}")
        await self._write_listing()

    @web.authenticated
    @authorized("execute")  # type: ignore[untyped-decorator]
    async def delete(self) -> None:
        url = self.get_query_argument("url", None)
        if url is None:
            raise web.HTTPError(400, "Add ?url=<https://host> of the credential to remove.")
        await self._require_value_access("Changing git credentials")
        try:
            done = await asyncio.to_thread(self.git.forget, url)
        except BadRemote as error:
            raise web.HTTPError(400, str(error)) from None
        except KeyError:
            raise web.HTTPError(404, "Git reads no mounted secret for that host.") from None
        except GitUnavailable as error:
            raise web.HTTPError(409, str(error)) from None
        self._audit("removed", done.url, "")
        await self._write_listing()

    async def _require_value_access(self, what: str) -> None:
        if not await self.may_access_values():
            raise web.HTTPError(403, f"{what} needs permission to run code on this server.")

    async def _write_listing(self) -> None:
        data: dict[str, Any] = {"allowed": self.git.allowed, "credentials": []}
        try:
            listing = await asyncio.to_thread(self.git.listing)
        except GitUnavailable as error:
            data["error"] = str(error)
        else:
            data["credentials"] = [credential.to_json() for credential in listing]
        self.write_json(data)

    def _audit(self, outcome: str, url: str, details: str) -> None:
        self.log.info(
            "secret-mounts audit: git credential %s: user=%s url=%s %s",
            outcome,
            loggable(self.requester),
            loggable(url),
            details,
        )


def _json_object(body: bytes, usage: str) -> dict[str, Any]:
    """A JSON object body, or 400 with `usage` (never a 500, never the body in a log)."""
    try:
        parsed = json.loads(body or b"null")
    except (ValueError, RecursionError):
        raise web.HTTPError(400, usage) from None
    if not isinstance(parsed, dict):
        raise web.HTTPError(400, usage)
    return parsed


def etag_matches(header: str | None, etag: str) -> bool:
    """`If-None-Match` handling that accepts quoted, weak (`W/`) or bare tags, and `*`."""
    if not header:
        return False
    for candidate in header.split(","):
        tag = candidate.strip()
        if tag == "*":
            return True
        tag = tag.removeprefix("W/").strip('"')
        if tag == etag:
            return True
    return False
