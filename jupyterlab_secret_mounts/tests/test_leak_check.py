"""`POST /secret-mounts/check`: exact mounted values in every form, exact JavaScript ranges."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote

import pytest

from jupyterlab_secret_mounts.guard import leaks
from jupyterlab_secret_mounts.mounts.kubelet import write_atomic

from .guard_helpers import check, error_of, js_index, policy
from .trees import SecretsTree

# Chosen so that standard and URL-safe base64 differ ("+/" vs "-_") and URL-encoding changes it.
SPICY = "pw>>>???~~~ user@host:5432/db"


@pytest.fixture
def spicy(secrets_tree: SecretsTree) -> str:
    """A kubelet folder `app` whose `password` is SPICY plus the newline `echo` leaves."""
    secrets_tree.add_kubelet("app", {"password": SPICY.encode() + b"\n", "pin": b"4711"})
    return str(secrets_tree.root / "app")


async def test_raw_value_is_found_with_folder_key_and_exact_range(
    jp_fetch: Any, secrets_tree: SecretsTree
) -> None:
    password = secrets_tree.values["db-creds/password"].decode()
    text = f'conn = connect(password="{password}")'
    matches = await check(jp_fetch, {"cell-1": text, "clean": "print('hello')"})
    assert matches == [
        {
            "id": "cell-1",
            "start": text.index(password),
            "end": text.index(password) + len(password),
            "mount": str(secrets_tree.root / "db-creds"),
            "key": "password",
            "encoding": "raw",
        }
    ]


async def test_base64_forms_are_found(jp_fetch: Any, spicy: str) -> None:
    raw = SPICY.encode()
    standard = base64.b64encode(raw).decode()
    urlsafe = base64.urlsafe_b64encode(raw).decode()
    assert standard != urlsafe  # the value was chosen to tell them apart
    exact_with_newline = base64.b64encode(raw + b"\n").decode()  # as `kubectl get secret` shows
    basic_auth = base64.b64encode(b"admin:" + raw).decode()  # the value inside a longer blob
    texts = {
        "standard": f"x = '{standard}'",
        "unpadded": f"x = '{urlsafe.rstrip('=')}'",
        "urlsafe": f"x = '{urlsafe}'",
        "kubectl": f"  password: {exact_with_newline}\n",
        "basic": f"Authorization: Basic {basic_auth}",
    }
    matches = {m["id"]: m for m in await check(jp_fetch, texts)}
    assert set(matches) == set(texts)
    for match in matches.values():
        assert (match["mount"], match["key"], match["encoding"]) == (spicy, "password", "base64")
    for name, form in [
        ("standard", standard),
        ("urlsafe", urlsafe),
        ("kubectl", exact_with_newline),
    ]:
        start = texts[name].index(form)
        assert (matches[name]["start"], matches[name]["end"]) == (start, start + len(form))
    # Inside a longer blob only the characters set by the value alone are matched.
    inner = matches["basic"]
    assert texts["basic"].index(basic_auth) < inner["start"] < inner["end"] <= len(texts["basic"])


async def test_url_encoded_value_is_found(jp_fetch: Any, spicy: str) -> None:
    encoded = quote(SPICY, safe="")
    assert encoded != SPICY
    text = f"postgresql://app:{encoded}@db:5432/app"
    matches = await check(jp_fetch, {"url": text})
    start = text.index(encoded)
    assert matches == [
        {
            "id": "url",
            "start": start,
            "end": start + len(encoded),
            "mount": spicy,
            "key": "password",
            "encoding": "url",
        }
    ]


async def test_values_shorter_than_min_match_length_are_not_indexed(
    jp_fetch: Any, spicy: str
) -> None:
    # `pin` (4711) is shorter than the default minimum of 6: ordinary numbers must not match.
    assert await check(jp_fetch, {"port": "retry 4711 times"}) == []


class TestMinMatchLength:
    secret_mounts_policy = policy(min_match_length=4)

    @pytest.fixture
    def strong_short(self, secrets_tree: SecretsTree) -> str:
        secrets_tree.add_kubelet("short", {"key": b"xQ7#kP2"})  # 7 characters, 46 bits
        return "xQ7#kP2"

    async def test_a_lower_minimum_indexes_short_strong_values_only(
        self, jp_fetch: Any, spicy: str, strong_short: str
    ) -> None:
        text = f"retry 4711 times with {strong_short}"
        matches = await check(jp_fetch, {"port": text})
        # The 4-digit pin stays out however low the length floor: it is too guessable.
        assert [(m["key"], m["start"]) for m in matches] == [("key", text.index(strong_short))]


async def test_binary_value_is_found_in_base64_only(
    jp_fetch: Any, secrets_tree: SecretsTree
) -> None:
    binary = secrets_tree.values["blob/keystore.jks"]
    encoded = base64.b64encode(binary).decode()
    # The bytes as latin-1 text are what a raw match would look for; they must not count.
    matches = await check(jp_fetch, {"b64": f"ks = '{encoded}'", "raw": binary.decode("latin-1")})
    assert [(m["id"], m["key"], m["encoding"]) for m in matches] == [
        ("b64", "keystore.jks", "base64")
    ]


async def test_ranges_are_utf16_offsets_around_astral_characters(
    jp_fetch: Any, secrets_tree: SecretsTree
) -> None:
    password = secrets_tree.values["db-creds/password"].decode()
    text = f"# héllo 😀 wörld 𝄞\nsecret = '{password}'  # 🔑 {password}"
    first = text.index(password)
    second = text.rindex(password)
    matches = await check(jp_fetch, {"astral": text})
    assert [(m["start"], m["end"]) for m in matches] == [
        (js_index(text, first), js_index(text, first) + len(password)),
        (js_index(text, second), js_index(text, second) + len(password)),
    ]
    # The Python and JavaScript indices really differ here: the test would catch a mix-up.
    assert js_index(text, first) == first + 2


async def test_rotation_finds_the_new_value_and_not_the_old(
    jp_fetch: Any, secrets_tree: SecretsTree
) -> None:
    old = secrets_tree.values["db-creds/password"].decode()
    assert await check(jp_fetch, {"old": old})  # indexed before the rotation
    new = "rotated-Password-0123456789"
    write_atomic(
        str(secrets_tree.root / "db-creds"), {"username": b"app-user", "password": new.encode()}
    )
    matches = await check(jp_fetch, {"old": old, "new": f"pw={new}"})
    assert [(m["id"], m["key"], m["start"]) for m in matches] == [("new", "password", 3)]


async def test_the_response_never_holds_a_value(jp_fetch: Any, secrets_tree: SecretsTree) -> None:
    texts = {name: value.decode("latin-1") for name, value in secrets_tree.values.items()}
    body = json.dumps({"texts": [{"id": str(i), "text": t} for i, t in enumerate(texts.values())]})
    response = await jp_fetch("secret-mounts", "check", method="POST", body=body)
    assert json.loads(response.body)["matches"]
    for value in secrets_tree.all_canaries:
        assert value not in response.body


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"texts": "x"}', b'{"texts": [{"id": 1, "text": "x"}]}', b"\xff\xfe"],
)
async def test_bad_requests_get_a_clear_400(jp_fetch: Any, body: bytes) -> None:
    status, message, _ = await error_of(
        jp_fetch("secret-mounts", "check", method="POST", body=body)
    )
    assert status == 400
    assert '{"texts": [{"id"' in message  # tells the caller what to send


async def test_oversized_requests_get_a_clear_413(
    jp_fetch: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(leaks, "MAX_BODY_BYTES", 1000)
    body = json.dumps({"texts": [{"id": "big", "text": "x" * 2000}]})
    status, message, _ = await error_of(
        jp_fetch("secret-mounts", "check", method="POST", body=body)
    )
    assert status == 413
    assert "limit is 1000" in message and "smaller requests" in message


async def test_requests_without_a_token_are_refused(jp_fetch: Any) -> None:
    body = json.dumps({"texts": [{"id": "a", "text": "b"}]})
    status, _, _ = await error_of(
        jp_fetch("secret-mounts", "check", method="POST", body=body, headers={"Authorization": ""})
    )
    assert status == 403


async def test_lone_surrogates_from_javascript_do_not_break_the_check(
    jp_fetch: Any, secrets_tree: SecretsTree
) -> None:
    # A JavaScript string may hold half a surrogate pair (e.g. text cut by an editor).
    password = secrets_tree.values["db-creds/password"].decode()
    text = f"\ud83d x = '{password}'"
    matches = await check(jp_fetch, {"half": text})
    start = text.index(password)  # a lone surrogate is one unit in both languages
    assert [(m["start"], m["end"]) for m in matches] == [(start, start + len(password))]
