"""One click no longer gets past `block` (issue 15, item 9): `allow_inline_suppression`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .guard_helpers import code, error_of, notebook, policy, save

KEY_ID = "AKIA" + "Z3MFQH2KX7PLW4TQ"  # split so this file holds no credential-like literal
MARKERS = ["# pragma: allowlist secret", "# secret-mounts:ignore", "# gitleaks:allow"]


class TestSuppressionRefused:
    secret_mounts_policy = policy(save_policy="block", allow_inline_suppression=False)

    @pytest.mark.parametrize("marker", MARKERS)
    async def test_markers_do_not_get_a_credential_past_block(
        self, jp_fetch: Any, jp_root_dir: Path, marker: str
    ) -> None:
        leaky = notebook(code(f"aws_access_key_id = '{KEY_ID}'  {marker}"))
        status, message, _ = await error_of(save(jp_fetch, "aws.ipynb", leaky))
        assert status == 403 and "cell 1 (aws-access-key-id)" in message
        assert not (jp_root_dir / "aws.ipynb").exists()

    async def test_the_policy_tells_the_frontend(self, jp_fetch: Any) -> None:
        policy_json = json.loads((await jp_fetch("secret-mounts", "policy")).body)
        assert policy_json["allowInlineSuppression"] is False


class TestSuppressionAllowed:
    secret_mounts_policy = policy(save_policy="block")

    async def test_markers_suppress_by_default(self, jp_fetch: Any, jp_root_dir: Path) -> None:
        await save(jp_fetch, "aws.ipynb", notebook(code(f"k = '{KEY_ID}'  {MARKERS[1]}")))
        assert (jp_root_dir / "aws.ipynb").exists()
