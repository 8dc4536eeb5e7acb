"""Wires the notebook guard into a server: value index, pattern scanner, findings, pre-save hook."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .findings import FindingsStore
from .live_index import LiveValueIndex
from .patterns import EMPTY_RULE_SET, PatternScanner, load_rules
from .save_hook import SaveGuard
from .service import SecretMountsService

#: Key of the `Guard` in the Tornado application settings.
GUARD_SETTING = "secret_mounts_guard"


@dataclass
class Guard:
    values: LiveValueIndex
    patterns: PatternScanner
    findings: FindingsStore
    save_hook: SaveGuard


def setup_guard(server_app: Any, service: SecretMountsService) -> Guard:
    """Create the guard, share it with the handlers and register the pre-save hook.

    `register_pre_save_hook` keeps an admin's own `ContentsManager.pre_save_hook`: jupyter_server
    runs that one first, then the registered ones.
    """
    settings = service.settings
    values = LiveValueIndex(service, lambda: settings.min_match_length)
    try:
        patterns = PatternScanner(load_rules())
    except (OSError, ValueError, KeyError, re.error) as error:
        # A broken install must not take the server down; exact-value checks still work.
        server_app.log.error("secret-mounts: credential patterns unavailable (%s)", error)
        patterns = PatternScanner(EMPTY_RULE_SET)
    findings = FindingsStore()
    hook = SaveGuard(
        lambda: settings.save_policy, values.current, patterns, findings, server_app.log
    )
    guard = Guard(values, patterns, findings, hook)
    server_app.web_app.settings[GUARD_SETTING] = guard
    server_app.contents_manager.register_pre_save_hook(hook)
    return guard
