"""Reading the admin's `c.SecretMounts` without ever failing open.

traitlets applies a section all at once: one bad value raises out of the constructor, and
jupyter_server then runs on without the extension (no routes, no pre-save hook). Here each
setting is read on its own. A bad one is refused with one error line naming it, the others
apply, and a refused setting falls back to its protective value (`FAIL_CLOSED`), which for
`save_policy` is `block`.

List settings accept every form an admin is likely to write: a list in a config file, the
flag repeated (`--SecretMounts.roots=/a --SecretMounts.roots=/b`), one flag holding a Python
or JSON list literal (`--SecretMounts.roots="['/a','/b']"`), or a comma-separated string.
"""

from __future__ import annotations

import ast
import difflib
import json
import os
from typing import Any

from traitlets import Container, TraitError, TraitType, Unicode
from traitlets.config import Config, Configurable
from traitlets.config.loader import DeferredConfig, DeferredConfigList, LazyConfigValue

from .config import SecretMounts

SECTION = "SecretMounts"

#: A refused setting takes this value when it is more protective than the default.
FAIL_CLOSED: dict[str, object] = {
    "save_policy": "block",
    "allow_reveal": False,
    "allow_inline_suppression": False,
    "redact_outputs": True,
    "allow_create_secrets": False,
    "allow_git_credentials": False,
}

#: How Secrets are created and mounted: a refused one turns creation off rather than guess.
CREATION_SETTINGS = (
    "create_secrets_target",
    "created_secrets_mount_root",
    "kubernetes_service_account_dir",
    "kubernetes_timeout_seconds",
)


class BadSetting(ValueError):
    """A value that cannot be used; the message says why, without the setting's name."""


def read_policy(parent: Configurable) -> SecretMounts:
    """The policy from `parent.config`, with `config_errors` naming every refused setting."""
    # An empty config of its own: the constructor must not apply (and fail on) the raw values.
    policy = SecretMounts(parent=parent, config=Config())
    found = parent.config.get(SECTION)  # dict.get: never creates the section
    section = found if isinstance(found, dict) else Config()
    traits = policy.traits(config=True)
    errors: list[str] = []
    creation_refused = False
    for name, raw in section.items():
        trait = traits.get(name)
        if trait is None:
            errors.append(_unknown(policy, name, section, list(traits)))
            continue
        try:
            value, refused = _parse(trait, raw)
            if name == "roots" and refused and not value:
                # No root left would guard nothing: the default roots are the safer guess.
                raise BadSetting(f"{', '.join(refused)}; no usable root")
            setattr(policy, name, value)
            outcome = "left out"
        except (BadSetting, TraitError, ValueError, TypeError) as error:
            refused, outcome = [_reason(error)], _fall_back(policy, name)
        if name == "excluded" and refused:
            outcome += "; revealing values and git credentials are off until this is fixed"
        if name in CREATION_SETTINGS and refused:
            outcome += "; creating Secrets is off until this is fixed"
            creation_refused = True
        errors += [f"{SECTION}.{name}: {reason}; {outcome}" for reason in refused]
    if any(line.startswith(f"{SECTION}.excluded:") for line in errors):
        # The admin meant to hide something we cannot tell: nothing hands a value out.
        policy.allow_reveal = False
        policy.allow_git_credentials = False
    if creation_refused:
        policy.allow_create_secrets = False  # where or how it would mount is not what was meant
    policy.config_errors = errors
    return policy


def _parse(trait: TraitType[Any, Any], raw: object) -> tuple[object, list[str]]:
    """The value to set and the reasons for list items left out."""
    if isinstance(raw, LazyConfigValue):  # c.SecretMounts.roots.append(...)
        raw = raw.get_value(trait.default())
    if isinstance(trait, Container):
        return _parse_list(trait, raw)
    if isinstance(raw, DeferredConfigList):
        if len(raw) != 1:
            raise BadSetting(f"takes one value, got {len(raw)}")
        raw = raw[0]
    if isinstance(raw, str) and not isinstance(trait, Unicode):
        try:
            return trait.from_string(raw.strip()), []
        except (ValueError, TraitError):
            raise BadSetting(f"{_shown(raw)} is not a valid value") from None
    if isinstance(raw, DeferredConfig):
        return str(raw), []
    return raw, []


def _parse_list(trait: Container[Any], raw: object) -> tuple[list[str], list[str]]:
    """Strings of a list setting, each checked; refused items come back as reasons."""
    if isinstance(raw, DeferredConfigList):  # the flag given once or more
        items: list[object] = [item for flag in raw for item in _list_from_string(str(flag))]
    elif isinstance(raw, str):
        items = _list_from_string(raw)
    elif isinstance(raw, (list, tuple)):
        items = list(raw)
    else:
        raise BadSetting(f"expected a list of strings, got {type(raw).__name__}")
    kept: list[str] = []
    refused: list[str] = []
    for item in items:
        problem = _item_problem(trait.name, item)
        if problem:
            refused.append(problem)
        elif isinstance(item, str):
            kept.append(item.strip())
    return kept, refused


def _list_from_string(text: str) -> list[object]:
    """A Python or JSON list literal, or comma-separated items."""
    text = text.strip()
    if text[:1] in "[(":
        for parse in (json.loads, ast.literal_eval):
            try:
                value = parse(text)
            except (ValueError, SyntaxError, RecursionError, MemoryError):
                continue
            if isinstance(value, (list, tuple)):
                return list(value)
        raise BadSetting(f"{_shown(text)} is not a list literal")
    return [item for item in text.split(",") if item.strip()]


def _item_problem(setting: str | None, item: object) -> str | None:
    if not isinstance(item, str) or not item.strip():
        return f"{_shown(item)} is not a non-empty string"
    item = item.strip()
    if setting == "roots" and not os.path.isabs(item):
        return f"{_shown(item)} is not an absolute path"
    if setting == "excluded" and not item.startswith(("/", "*", "?")):
        # Patterns match absolute paths: anything else never matches and hides nothing.
        return f"{_shown(item)} matches no absolute path (start it with / or *)"
    return None


def _fall_back(policy: SecretMounts, name: str) -> str:
    """Apply the value a refused setting falls back to and say which it is."""
    if name in FAIL_CLOSED:
        setattr(policy, name, FAIL_CLOSED[name])
    return f"using {_shown(getattr(policy, name))}"


def _unknown(policy: SecretMounts, name: str, section: dict[str, Any], known: list[str]) -> str:
    line = f"{SECTION}.{name}: unknown setting; ignored"
    close = difflib.get_close_matches(name, known, n=1)
    if not close:
        return line
    line += f" (did you mean {close[0]}?)"
    if close[0] == "save_policy" and "save_policy" not in section:
        # A misspelt save policy was meant to protect: enforce the strictest one.
        return f"{line}; {_fall_back(policy, 'save_policy')}"
    return line


def _reason(error: Exception) -> str:
    if isinstance(error, BadSetting):
        return str(error)
    if isinstance(error, TraitError):
        # traitlets names the class and trait itself; keep the part after "but"/"expected".
        text = str(error)
        for marker in (" should not be ", " expected ", " must "):
            if marker in text:
                return text[text.index(marker) + 1 :].rstrip(".")
        return text
    return str(error) or type(error).__name__


def _shown(value: object, limit: int = 80) -> str:
    """An admin's value in an error line: repr (no line breaks), cut when long."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
