"""Installing, type-checking and building rendered Expo projects with Node.js: the I/O half of
the Expo renderer, for the export tests and the native stage.

One dependency tree per set of dependencies (per SDK, in practice) is installed with npm under
a cache folder, keyed by a hash of the dependencies, and shared by every project: a project's
`node_modules` is a symbolic link to it (Metro and tsc both follow it). So a build costs a type
check and a bundle, never an `npm install`.

Projects are built in one fixed workspace folder beside the tree, one at a time. Metro caches
each file's transform by its path relative to the project root, and expo-router's route context
(`expo-router/_ctx.web.js`, in the shared tree) is transformed into a relative path to the
project's `app/` folder: a project built in another folder at the same depth would reuse that
transform and bundle no routes at all ("No routes found"). In the one workspace the cached
transform is right for every project, and Metro's cache stays warm across them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from appgen.events import check_relative_path
from appgen.render._expo_documents import DEPENDENCIES, DEV_DEPENDENCIES, SDK
from appgen.render.gate import Gate, run_gated

CACHE_ENV = "APPGEN_EXPO_CACHE"
INSTALL_TIMEOUT_S = 900.0
# Non-interactive, no telemetry, no network checks of versions: a build needs none of them.
BUILD_ENV = {"CI": "1", "EXPO_NO_TELEMETRY": "1", "EXPO_OFFLINE": "1", "NO_COLOR": "1"}


class ToolchainError(Exception):
    """Node.js or npm is missing, or a command failed; the message ends with its output's tail."""


@dataclass(frozen=True)
class Run:
    """A finished command: its exit status, output (stdout and stderr together) and duration."""

    returncode: int
    output: str
    seconds: float

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def default_cache() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "appgen" / f"expo-sdk{SDK}")


def missing_tools() -> str | None:
    """Why Node.js projects cannot be built here, or None when `node` and `npm` are on PATH."""
    for tool in ("node", "npm", "npx"):
        if shutil.which(tool) is None:
            return f"{tool} is not on PATH: install Node.js 20 or newer"
    return None


def dependencies_key(
    dependencies: Mapping[str, str] = DEPENDENCIES,
    dev_dependencies: Mapping[str, str] = DEV_DEPENDENCIES,
) -> str:
    canonical = json.dumps([dict(dependencies), dict(dev_dependencies)], sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def run(
    args: list[str],
    cwd: Path,
    *,
    timeout: float,
    env: Mapping[str, str] = BUILD_ENV,
    gate: Gate | None = None,
) -> Run:
    """Run a command to the end (or its timeout), output captured; never raises on failure.
    With a `gate`, the command runs only while the gate is open (`appgen.render.gate`)."""
    started = time.monotonic()
    if gate is not None:
        code, output = run_gated(args, cwd, {**os.environ, **env}, timeout=timeout, gate=gate)
        if code is None:
            note = f"(timed out after running {timeout:.0f} s)"
            return Run(-1, f"{output}\n{note}", time.monotonic() - started)
        return Run(code, output, time.monotonic() - started)
    try:
        done = subprocess.run(
            args,
            cwd=cwd,
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Run(done.returncode, done.stdout, time.monotonic() - started)
    except subprocess.TimeoutExpired as error:
        output = error.output if isinstance(error.output, str) else ""
        return Run(-1, f"{output}\n(timed out after {timeout:.0f} s)", time.monotonic() - started)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def installed(tree: Path) -> bool:
    """Whether `tree` holds a finished install (npm writes this file last)."""
    return (tree / "node_modules" / ".package-lock.json").exists()


def tree_folder(cache: Path | None = None) -> Path:
    """Where the tree for the SDK's dependencies is (or will be) installed."""
    return (cache or default_cache()) / dependencies_key()


def dependency_tree(cache: Path | None = None, *, timeout: float = INSTALL_TIMEOUT_S) -> Path:
    """The folder whose `node_modules` holds the SDK's dependencies, installed on first use.

    Safe to call from several processes at once (a file lock; the install lands under a temporary
    name and is renamed into place only when complete). Raises ToolchainError.
    """
    reason = missing_tools()
    if reason:
        raise ToolchainError(reason)
    tree = tree_folder(cache)
    folder = tree.parent
    if installed(tree):
        return tree
    with _locked(folder / ".install.lock"):
        if installed(tree):
            return tree
        # Each attempt installs in a folder of its own. An earlier attempt's folder may still be
        # written to: a process stopped with SIGKILL leaves its `npm install` running, and
        # emptying a folder npm is filling failed (then `mkdir` did: "File exists"), so a
        # restarted stage could not install at all until that npm ended.
        for stale in folder.glob(f"{tree.name}.installing*"):
            shutil.rmtree(stale, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=f"{tree.name}.installing-", dir=folder))
        staging.chmod(0o755)  # mkdtemp's 0700 would become the shared tree's mode
        manifest = {
            "name": f"appgen-expo-sdk{SDK}-dependencies",
            "version": "1.0.0",
            "private": True,
            "dependencies": DEPENDENCIES,
            "devDependencies": DEV_DEPENDENCIES,
        }
        (staging / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
        done = run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
            staging,
            timeout=timeout,
            env={"NO_COLOR": "1"},
        )
        if done.returncode != 0:
            raise ToolchainError(f"npm install failed ({done.returncode}):\n{done.tail()}")
        shutil.rmtree(tree, ignore_errors=True)
        staging.rename(tree)
    return tree


def link_dependencies(project: Path, tree: Path) -> None:
    """Point `project/node_modules` at the shared tree (replacing a link already there)."""
    link = project / "node_modules"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(tree / "node_modules", target_is_directory=True)


@contextlib.contextmanager
def workspace(tree: Path, files: Mapping[str, bytes]) -> Iterator[Path]:
    """The tree's workspace holding exactly `files` (bytes by path), for one build at a time.

    Paths are the renderer's (`FileWrite` paths, checked safe); the folder is emptied first.
    """
    root = tree.parent / f"{tree.name}-workspace"
    with _locked(tree.parent / f"{tree.name}-workspace.lock"):
        if root.exists():
            for child in root.iterdir():
                if child.is_symlink() or child.is_file():
                    child.unlink()
                else:
                    shutil.rmtree(child)
        root.mkdir(parents=True, exist_ok=True)
        for path, data in files.items():
            target = root / check_relative_path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        link_dependencies(root, tree)
        yield root


def typecheck(project: Path, *, timeout: float = 300.0, gate: Gate | None = None) -> Run:
    """`tsc --noEmit` in the project."""
    return run(["npx", "--no-install", "tsc", "--noEmit"], project, timeout=timeout, gate=gate)


def export_web(
    project: Path, out: Path, *, timeout: float = 600.0, gate: Gate | None = None
) -> Run:
    """`expo export --platform web` of the project into `out`."""
    return run(
        ["npx", "--no-install", "expo", "export", "--platform", "web", "--output-dir", str(out)],
        project,
        timeout=timeout,
        gate=gate,
    )
