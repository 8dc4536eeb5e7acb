"""`ValueIndex`: the floor, and an index patched after a rotation."""

from __future__ import annotations

from jupyterlab_secret_mounts.guard.value_index import FolderForms, SecretValue, ValueIndex
from jupyterlab_secret_mounts.mounts.value_facts import MatchFloor, match_strength

FLOOR = MatchFloor(6, 40)


def forms(mount: str, **values: str) -> FolderForms:
    return FolderForms.of([SecretValue(mount, k, v.encode()) for k, v in values.items()], FLOOR)


def found(index: ValueIndex, text: str) -> list[tuple[str, str, str]]:
    return [(m.mount, m.key, text[m.start : m.end]) for m in index.find(text)]


def test_the_floor_reads_length_and_character_classes() -> None:
    assert not FLOOR.admits(match_strength(b"472913\n"))  # a PIN: 20 bits
    assert not FLOOR.admits(match_strength(b"postgres"))  # 38 bits
    assert not FLOOR.admits(match_strength(b"Zx9Zx9Zx9Zx9Zx9Zx9"))  # a repeated unit
    assert FLOOR.admits(match_strength(b"k3Jq9xTz"))  # 48 bits
    assert FLOOR.admits(match_strength(b"\xfe\xed\xfe\xed\x00\x01\x02\x03"))  # binary: 64 bits


def test_a_patched_index_answers_for_the_new_folder_and_forgets_the_old() -> None:
    a = forms("/s/a", app="old-Token-7f3k9QzX")
    b = forms("/s/b", app="keep-Token-2m8Lp4Vw")
    index = ValueIndex([a, b])
    text = "old-Token-7f3k9QzX keep-Token-2m8Lp4Vw new-Token-9d2Hs6Rt"
    assert [key for _, key, _ in found(index, text)] == ["app", "app"]
    patched = index.patched({"/s/a": forms("/s/a", app="new-Token-9d2Hs6Rt")})
    assert found(patched, text) == [
        ("/s/b", "app", "keep-Token-2m8Lp4Vw"),
        ("/s/a", "app", "new-Token-9d2Hs6Rt"),
    ]
    assert found(patched.patched({}, removed=["/s/b"]), text) == [
        ("/s/a", "app", "new-Token-9d2Hs6Rt")
    ]


def test_matches_from_two_automata_do_not_overlap() -> None:
    index = ValueIndex([forms("/s/a", short="Abc-123-xyz-Q")]).patched(
        {"/s/b": forms("/s/b", long="Abc-123-xyz-Q-and-more-9")}
    )
    assert found(index, "x=Abc-123-xyz-Q-and-more-9") == [
        ("/s/b", "long", "Abc-123-xyz-Q-and-more-9")  # the longest at the leftmost start
    ]
