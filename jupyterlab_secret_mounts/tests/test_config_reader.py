"""`read_policy`: every list form an admin writes, and what a refused setting falls back to."""

from __future__ import annotations

from typing import Any

import pytest
from traitlets.config import Config, Configurable

from jupyterlab_secret_mounts.config_reader import read_policy

from .guard_helpers import flags


@pytest.mark.parametrize(
    ("argv", "roots"),
    [
        (["--SecretMounts.roots=['/a', '/b']"], ["/a", "/b"]),
        (['--SecretMounts.roots=["/a", "/b"]'], ["/a", "/b"]),
        (["--SecretMounts.roots=/a,/b"], ["/a", "/b"]),
        (["--SecretMounts.roots=/a", "--SecretMounts.roots=/b"], ["/a", "/b"]),
        (["--SecretMounts.roots=('/a',)"], ["/a"]),
    ],
)
def test_every_list_form_reads_as_a_list(argv: list[str], roots: list[str]) -> None:
    policy = read_policy(Configurable(config=flags(*argv)))
    assert (policy.roots, policy.config_errors) == (roots, [])


@pytest.mark.parametrize(
    ("section", "setting", "fallback"),
    [
        ({"save_policy": ["block"]}, "save_policy", "block"),
        ({"redact_outputs": "sometimes"}, "redact_outputs", True),
        ({"allow_inline_suppression": 3}, "allow_inline_suppression", False),
        ({"allow_git_credentials": "sure"}, "allow_git_credentials", False),
        ({"roots": "['/a'"}, "roots", None),  # an unclosed literal: the defaults stay
        ({"roots": 5}, "roots", None),
        ({"roots": ["secrets"]}, "roots", None),  # nothing usable left: the defaults, not none
        ({"max_value_bytes": -1}, "max_value_bytes", None),
    ],
)
def test_each_refused_setting_falls_back_and_is_named(
    section: dict[str, Any], setting: str, fallback: object
) -> None:
    policy = read_policy(Configurable(config=Config({"SecretMounts": section})))
    assert len(policy.config_errors) == 1
    assert policy.config_errors[0].startswith(f"SecretMounts.{setting}: ")
    expected = fallback if fallback is not None else policy.trait_defaults(setting)
    assert getattr(policy, setting) == expected


@pytest.mark.parametrize(
    "section",
    [
        {"create_secrets_target": "workspaces"},
        {"created_secrets_mount_root": "secrets"},
        {"kubernetes_service_account_dir": "sa"},
        {"kubernetes_timeout_seconds": 0},
        {"allow_create_secrets": "maybe"},
    ],
)
def test_a_refused_creation_setting_turns_creation_off(section: dict[str, Any]) -> None:
    config = Config({"SecretMounts": {"allow_create_secrets": True, **section}})
    policy = read_policy(Configurable(config=config))
    assert policy.allow_create_secrets is False
    [line] = policy.config_errors
    assert line.startswith(f"SecretMounts.{next(iter(section))}: ")


def test_a_target_in_other_case_is_read() -> None:
    config = Config(
        {"SecretMounts": {"allow_create_secrets": True, "create_secrets_target": "PodDefault"}}
    )
    policy = read_policy(Configurable(config=config))
    assert (policy.allow_create_secrets, policy.create_secrets_target) == (True, "poddefault")
