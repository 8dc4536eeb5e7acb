"""Loads the server extension: the admin's policy, the mounts service, the guard and every route."""

from __future__ import annotations

from typing import Any

from jupyter_server.utils import url_path_join
from tornado import web

from . import __version__
from .collaboration.link import keep_store_in_memory
from .collaboration.quiet import quiet_room_refusals
from .collaboration.rooms import LiveRooms
from .config_reader import read_policy
from .git.service import GitCredentials
from .guard.contents_guard import guard_contents_manager
from .guard.events import event_emitter
from .guard.offloop import check_saves_off_loop
from .guard.service import create_guard
from .handlers import (
    CREATION_SETTING,
    GIT_SETTING,
    GUARD_SETTING,
    SERVICE_SETTING,
    CreateStatusHandler,
    FindingsHandler,
    GitCredentialsHandler,
    LeakCheckHandler,
    MountsHandler,
    PolicyHandler,
    RevealHandler,
    SecretsHandler,
    VersionHandler,
)
from .kube.service import SecretCreation
from .mounts import provenance
from .mounts.service import SecretMountsService

#: Every endpoint lives under `<base_url>/secret-mounts/`.
NAMESPACE = "secret-mounts"


def link(server_app: Any) -> None:
    """What must happen before other extensions load: the collaboration store.

    The policy is read as `load` reads it (a bad setting falls back to its protective value);
    `load` logs the configuration errors, once.
    """
    keep_store_in_memory(server_app, read_policy(server_app), server_app.log)


def load(server_app: Any) -> None:
    """Read the policy, build the parts, register the pre-save hook and the endpoints.

    Nothing an admin writes in `c.SecretMounts` can make this raise: a bad setting is refused
    (logged here, shown in the panel) and the hook and routes are registered all the same.
    """
    policy = read_policy(server_app)
    for line in policy.config_errors:
        server_app.log.error("secret-mounts: configuration error: %s", line)
    account = policy.kubernetes_service_account_dir
    service = SecretMountsService(
        policy,
        service_account_dir=account,
        # The module's function, looked up at each call (as PodProvenance's default is).
        provenance=provenance.PodProvenance(
            lambda: provenance.fetch_own_pod(service_account_dir=account)
        ),
    )
    guard = create_guard(
        service,
        server_app.log,
        collaborative=LiveRooms(server_app, server_app.log).has_room,
        notify=event_emitter(server_app.event_logger, server_app.log),
    )
    server_app.web_app.settings[SERVICE_SETTING] = service
    server_app.web_app.settings[GUARD_SETTING] = guard
    server_app.web_app.settings[GIT_SETTING] = start_git_credentials(service, server_app.log)
    server_app.web_app.settings[CREATION_SETTING] = SecretCreation(policy, logger=server_app.log)
    # Keeps an admin's own `ContentsManager.pre_save_hook`: jupyter_server runs that one first.
    server_app.contents_manager.register_pre_save_hook(guard.save_hook)
    # Uploads in chunks, renames and checkpoint restores, which the hook does not see.
    guard_contents_manager(server_app.contents_manager, guard.save_hook)
    check_saves_off_loop(server_app.contents_manager, guard.save_hook)
    quiet_room_refusals(server_app)
    add_routes(server_app.web_app)
    server_app.log.info(
        "jupyterlab-secret-mounts %s: roots %s, reveal %s, save policy %s, create secrets %s",
        __version__,
        ", ".join(policy.roots) or "(none)",
        "allowed" if policy.allow_reveal else "off",
        policy.save_policy,
        f"allowed (target {policy.create_secrets_target})"
        if policy.allow_create_secrets
        else "off",
    )


def start_git_credentials(service: SecretMountsService, log: Any) -> GitCredentials:
    """Use for git; the helper gets the policy this server runs with (now, not when set up)."""
    git = GitCredentials(service)
    try:
        git.start()
    except OSError as error:
        log.warning(
            "jupyterlab-secret-mounts: cannot write %s (%s); git credential helpers set up "
            "earlier keep the policy they had",
            git.policy_path,
            error.strerror,
        )
    return git


def add_routes(web_app: web.Application) -> None:
    """Every endpoint of the extension, in one place."""
    endpoints = [
        ("version", VersionHandler),
        ("policy", PolicyHandler),
        ("mounts", MountsHandler),
        ("reveal", RevealHandler),
        ("check", LeakCheckHandler),
        ("findings", FindingsHandler),
        ("kubernetes", CreateStatusHandler),
        ("secrets", SecretsHandler),
        ("git", GitCredentialsHandler),
    ]
    base_url = web_app.settings["base_url"]
    web_app.add_handlers(
        ".*$", [(url_path_join(base_url, NAMESPACE, name), handler) for name, handler in endpoints]
    )
