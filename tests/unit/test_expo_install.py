"""Installing the shared Expo dependency tree, with a stand-in `npm` on PATH (the real install
downloads hundreds of megabytes; tests/expo runs it where the network allows)."""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from appgen.render.expo_toolchain import ToolchainError, dependencies_key, dependency_tree

# Records the folder it ran in, then installs (or fails when FAIL_INSTALL names a file that exists).
FAKE_NPM = """#!/bin/sh
echo "$PWD" >> "$NPM_LOG"
if [ -e "$FAIL_INSTALL" ]; then echo "npm ERR! network" >&2; exit 1; fi
mkdir -p node_modules && echo '{}' > node_modules/.package-lock.json
"""


@pytest.fixture
def fake_npm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH whose npm is the stand-in; returns the file it logs each run's folder to."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for name in ("npm", "npx", "node"):
        tool = tools / name
        tool.write_text(FAKE_NPM if name == "npm" else "#!/bin/sh\nexit 0\n")
        tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "npm.log"
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("NPM_LOG", str(log))
    monkeypatch.setenv("FAIL_INSTALL", str(tmp_path / "fail"))
    return log


@pytest.fixture
def earlier_install_still_writing(tmp_path: Path) -> Iterator[Path]:
    """An earlier attempt's folder that its (orphaned) npm keeps filling, as one left running by
    a stage stopped with SIGKILL does."""
    folder = tmp_path / "cache" / f"{dependencies_key()}.installing"
    stop = threading.Event()

    def write() -> None:
        count = 0
        while not stop.is_set():
            package = folder / "node_modules" / f"package-{count % 50}"
            count += 1
            # The install being tried removes what it can of this folder meanwhile.
            with contextlib.suppress(FileNotFoundError):
                package.mkdir(parents=True, exist_ok=True)
                (package / "index.js").write_text("module.exports = {}\n")

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        yield folder
    finally:
        stop.set()
        writer.join()


def test_installs_beside_an_earlier_attempt_that_is_still_writing(
    tmp_path: Path, fake_npm: Path, earlier_install_still_writing: Path
) -> None:
    tree = dependency_tree(tmp_path / "cache")

    assert (tree / "node_modules" / ".package-lock.json").is_file()
    assert tree.name == dependencies_key()
    [ran_in] = fake_npm.read_text().split()
    assert Path(ran_in) != earlier_install_still_writing


def test_a_failed_install_raises_and_the_next_call_installs(tmp_path: Path, fake_npm: Path) -> None:
    (tmp_path / "fail").touch()
    with pytest.raises(ToolchainError, match="npm install failed"):
        dependency_tree(tmp_path / "cache")
    (tmp_path / "fail").unlink()

    tree = dependency_tree(tmp_path / "cache")

    assert (tree / "node_modules" / ".package-lock.json").is_file()
    # Only the installed tree is left: the failed attempt's folder was removed before the retry.
    assert sorted(p.name for p in (tmp_path / "cache").iterdir() if p.is_dir()) == [tree.name]
    assert stat.S_IMODE(tree.stat().st_mode) == 0o755
    # Installed once: a tree in place is used as it is.
    assert dependency_tree(tmp_path / "cache") == tree
    assert len(fake_npm.read_text().split()) == 2
