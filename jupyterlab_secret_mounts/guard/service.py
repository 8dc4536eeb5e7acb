"""The notebook guard of one server: value index, pattern scanner, findings, pre-save hook.

Built once at extension load (`extension.py` registers the hook and the endpoints); the
endpoints and the hook share it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..mounts.service import SecretMountsService
from ..scanner import EMPTY_RULE_SET, PatternScanner, load_rules
from .findings import FindingsStore, SaveReport
from .live_index import LiveValueIndex
from .rate import CheckBudget
from .save_hook import SaveGuard


@dataclass
class Guard:
    values: LiveValueIndex
    patterns: PatternScanner
    findings: FindingsStore
    save_hook: SaveGuard
    check_budget: CheckBudget


def create_guard(
    service: SecretMountsService,
    log: logging.Logger,
    *,
    collaborative: Callable[[str], bool] = lambda path: False,
    notify: Callable[[SaveReport, SaveReport | None], None] = lambda report, previous: None,
) -> Guard:
    """The guard for the mounts `service` finds, under the policy it holds.

    `collaborative(path)` tells whether a save is a collaborative room's; `notify` hears every
    save report (see `SaveGuard`).
    """
    settings = service.settings
    values = LiveValueIndex(service, lambda: settings.match_floor)
    try:
        rules = load_rules()
        if not settings.allow_inline_suppression:
            rules = {**rules, "suppressions": []}  # markers in a file suppress nothing
        patterns = PatternScanner(rules)
    except (OSError, ValueError, KeyError, re.error) as error:
        # A broken install must not take the server down; exact-value checks still work.
        log.error("secret-mounts: credential patterns unavailable (%s)", error)
        patterns = PatternScanner(EMPTY_RULE_SET)
    findings = FindingsStore()
    hook = SaveGuard(
        lambda: settings.save_policy,
        values.current,
        patterns,
        findings,
        log,
        budget=lambda: settings.save_check_seconds,
        redact_outputs=lambda: settings.redact_outputs,
        collaborative=collaborative,
        notify=notify,
    )
    budget = CheckBudget(lambda: settings.check_chars_per_minute)
    return Guard(values, patterns, findings, hook, budget)
