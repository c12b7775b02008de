"""One `appgen up` per data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from appgen.cli.lock import LOCK_FILE, DataDirBusy, DataDirLock

pytestmark = pytest.mark.unit


def test_a_second_holder_is_refused_with_the_first_ones_pid(tmp_path: Path) -> None:
    busy = pytest.raises(DataDirBusy, match=f"pid {os.getpid()}")
    with DataDirLock(tmp_path / "data"), busy:
        DataDirLock(tmp_path / "data").acquire()


def test_the_folder_is_free_again_once_released(tmp_path: Path) -> None:
    with DataDirLock(tmp_path):
        pass
    with DataDirLock(tmp_path):
        assert (tmp_path / LOCK_FILE).read_text().strip() == str(os.getpid())
    assert (tmp_path / LOCK_FILE).read_text() == ""


def test_different_folders_do_not_conflict(tmp_path: Path) -> None:
    with DataDirLock(tmp_path / "a"), DataDirLock(tmp_path / "b"):
        pass
