from __future__ import annotations

from pathlib import Path

from jupyterlab_secret_mounts.mounts import mountinfo

SAMPLE = (
    # a whole tmpfs secret volume, with optional fields before the separator
    b"1450 1431 0:52 / /secrets/db-creds ro,relatime master:12 shared:3 - tmpfs tmpfs rw,size=1g\n"
    # a subPath: one file of one version, bind-mounted; the space in the path is escaped
    b"1451 1431 0:52 /..2026_11_22_15_04_05.123/password /etc/my\\040app/password ro - "
    b"tmpfs tmpfs rw\n"
    b"garbage line\n"
    b"1452 1431 8:1 /a\\011b\\134c /mnt/x\\012y rw - ext4 /dev/sda1 rw\n"
)


def test_parses_fields_and_optional_tags() -> None:
    entries = mountinfo.parse(SAMPLE)
    assert [e.mount_point for e in entries] == [
        "/secrets/db-creds",
        "/etc/my app/password",
        "/mnt/x\ny",
    ]
    assert entries[0] == mountinfo.MountEntry(
        "/", "/secrets/db-creds", "tmpfs", "tmpfs", read_only=True
    )
    # Per-mount options decide, not the filesystem's (`rw,size=1g` above).
    assert [e.read_only for e in entries] == [True, True, False]
    assert entries[1].root == "/..2026_11_22_15_04_05.123/password"
    assert entries[2].root == "/a\tb\\c"
    assert entries[2].fstype == "ext4"
    assert entries[2].source == "/dev/sda1"


def test_missing_file_is_an_empty_table(tmp_path: Path) -> None:
    assert mountinfo.read(str(tmp_path / "nope")) == []


def test_reads_this_process_table() -> None:
    # Linux only, like the product; "/" is always mounted.
    assert "/" in {entry.mount_point for entry in mountinfo.read()}
