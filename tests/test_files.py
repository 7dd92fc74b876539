"""output/files.py: letters and reports are written for their owner only, never through a
symbolic link, never over a file unless asked, and never half-written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from complaintctl.errors import InvalidInput
from complaintctl.output.files import write_private


def _left_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_writes_text_and_bytes_readable_by_the_owner_only(tmp_path):
    text, data = tmp_path / "letter.txt", tmp_path / "letter.eml"
    write_private(text, "Dear Ms Jones £5\n")
    write_private(str(data), b"\x00\xffbytes")
    assert text.read_text(encoding="utf-8") == "Dear Ms Jones £5\n"
    assert data.read_bytes() == b"\x00\xffbytes"
    for path in (text, data):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _left_in(tmp_path) == ["letter.eml", "letter.txt"]  # no temporary file left behind


def test_mode_is_0600_whatever_the_umask(tmp_path):
    before = os.umask(0)
    try:
        write_private(tmp_path / "a.txt", "x")
    finally:
        os.umask(before)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o600


def test_an_existing_file_is_refused_and_unchanged(tmp_path):
    existing = tmp_path / "letter.txt"
    existing.write_text("keep me\n")
    with pytest.raises(InvalidInput) as refused:
        write_private(existing, "new")
    message = str(refused.value)
    assert str(existing) in message and "already exists" in message and "choose another file or add --force" in message
    assert "\n" not in message
    assert existing.read_text() == "keep me\n"
    assert _left_in(tmp_path) == ["letter.txt"]


def test_force_replaces_an_existing_file(tmp_path):
    existing = tmp_path / "letter.txt"
    existing.write_text("old\n")
    existing.chmod(0o644)
    write_private(existing, "new\n", force=True)
    assert existing.read_text() == "new\n"
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600
    assert _left_in(tmp_path) == ["letter.txt"]


def test_force_never_writes_into_a_hard_linked_file(tmp_path):
    original = tmp_path / "original.txt"
    original.write_text("keep me\n")
    alias = tmp_path / "alias.txt"
    os.link(original, alias)
    write_private(alias, "new\n", force=True)  # replaces the name, not the file behind it
    assert original.read_text() == "keep me\n" and alias.read_text() == "new\n"


@pytest.mark.parametrize("force", [False, True])
def test_a_symbolic_link_is_refused_and_its_target_untouched(tmp_path, force):
    target = tmp_path / "target.txt"
    target.write_text("keep me\n")
    link = tmp_path / "letter.txt"
    link.symlink_to(target)
    with pytest.raises(InvalidInput, match="symbolic link"):
        write_private(link, "new", force=force)
    assert target.read_text() == "keep me\n" and link.is_symlink()
    assert _left_in(tmp_path) == ["letter.txt", "target.txt"]


@pytest.mark.parametrize("force", [False, True])
def test_a_dangling_symbolic_link_is_refused_and_creates_nothing(tmp_path, force):
    link = tmp_path / "letter.txt"
    link.symlink_to(tmp_path / "created-through-the-link.txt")
    with pytest.raises(InvalidInput, match="symbolic link"):
        write_private(link, "new", force=force)
    assert not (tmp_path / "created-through-the-link.txt").exists()


def test_a_missing_folder_or_a_folder_name_is_refused(tmp_path):
    with pytest.raises(InvalidInput, match="does not exist; create it or choose another file"):
        write_private(tmp_path / "missing" / "letter.txt", "x")
    with pytest.raises(InvalidInput, match="it is a folder"):
        write_private(tmp_path, "x", force=True)
    assert _left_in(tmp_path) == []


def test_a_failed_write_leaves_no_temporary_file(tmp_path):
    with pytest.raises(TypeError):
        write_private(tmp_path / "letter.txt", 12345)  # type: ignore[arg-type]  # fails after the temporary file is made
    assert _left_in(tmp_path) == []
