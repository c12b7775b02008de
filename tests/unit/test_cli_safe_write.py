"""`appgen replay --out DIR` writes what the gateway lists under DIR and nowhere else, whatever the
paths say and whatever symbolic links DIR already holds."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appgen.cli.main import app
from appgen.cli.safe_write import UnsafePath, WriteError, target_for, write_under

pytestmark = pytest.mark.unit


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder beside DIR that nothing may write into."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "keep.txt").write_text("untouched")
    return folder


def contents(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in folder.rglob("*") if p.is_file()}


def test_a_safe_path_is_written_with_its_folders(out: Path) -> None:
    written = write_under(out, "screens/home.html", b"<p>hi</p>")
    assert written == out.resolve() / "screens" / "home.html"
    assert written.read_bytes() == b"<p>hi</p>"
    # Written again, it is replaced, and no temporary file is left beside it.
    write_under(out, "screens/home.html", b"<p>again</p>")
    assert contents(out) == {"screens/home.html": "<p>again</p>"}


def test_the_folder_is_made_when_missing(tmp_path: Path) -> None:
    write_under(tmp_path / "new" / "deeper", "index.html", b"x")
    assert (tmp_path / "new" / "deeper" / "index.html").read_bytes() == b"x"


@pytest.mark.parametrize("path", ["../x.js", "screens/../../x.js", "screens/../x.js", ".."])
def test_dot_dot_is_refused(out: Path, path: str) -> None:
    with pytest.raises(UnsafePath, match="refusing to write"):
        write_under(out, path, b"x")
    assert contents(out.parent) == {}


def test_an_absolute_path_is_refused(out: Path, elsewhere: Path) -> None:
    with pytest.raises(UnsafePath, match="must be relative"):
        write_under(out, str(elsewhere / "keep.txt"), b"overwritten")
    assert contents(elsewhere) == {"keep.txt": "untouched"}
    assert contents(out) == {}


def test_a_symlinked_subfolder_leading_outside_is_refused(out: Path, elsewhere: Path) -> None:
    (out / "sub").symlink_to(elsewhere, target_is_directory=True)
    for path in ("sub/keep.txt", "sub/new.txt", "sub/deeper/new.txt"):
        with pytest.raises(UnsafePath, match="outside the folder"):
            write_under(out, path, b"overwritten")
    assert contents(elsewhere) == {"keep.txt": "untouched"}


def test_a_symlinked_subfolder_inside_the_folder_is_followed(out: Path) -> None:
    (out / "real").mkdir()
    (out / "alias").symlink_to(out / "real", target_is_directory=True)
    write_under(out, "alias/x.js", b"x")
    assert (out / "real" / "x.js").read_bytes() == b"x"


def test_a_symlink_at_the_file_itself_is_not_followed(out: Path, elsewhere: Path) -> None:
    (out / "index.html").symlink_to(elsewhere / "keep.txt")
    (out / "dangling.html").symlink_to(elsewhere / "would-be-made.txt")
    (out / "inside.html").write_text("inside")
    (out / "link.html").symlink_to(out / "inside.html")
    for path in ("index.html", "dangling.html", "link.html"):
        with pytest.raises(UnsafePath, match="symbolic link"):
            write_under(out, path, b"overwritten")
    assert contents(elsewhere) == {"keep.txt": "untouched"}
    assert (out / "inside.html").read_text() == "inside"


def test_a_hard_link_at_the_file_is_replaced_not_written_through(
    out: Path, elsewhere: Path
) -> None:
    (out / "index.html").hardlink_to(elsewhere / "keep.txt")
    write_under(out, "index.html", b"new")
    assert (out / "index.html").read_bytes() == b"new"
    assert contents(elsewhere) == {"keep.txt": "untouched"}


def test_a_file_in_the_way_is_a_clear_error_not_a_traceback(out: Path) -> None:
    (out / "screens").write_text("a file, not a folder")
    with pytest.raises(WriteError, match=re.escape("could not write 'screens/home.html'")):
        write_under(out, "screens/home.html", b"x")


def test_checking_writes_nothing(out: Path) -> None:
    assert target_for(out, "a/b/c.js") == out.resolve() / "a" / "b" / "c.js"
    assert contents(out) == {}
    assert not (out / "a").exists()


# ---- the command: a hostile gateway gets a message and exit 1, nothing written -------------


def hostile_gateway(paths: list[str]) -> ThreadingHTTPServer:
    """A gateway that lists `paths` (each with content matching its hash) for project `p-1`."""
    body = b"owned"
    files = [
        {"path": path, "url": f"/blob/{n}", "sha256": hashlib.sha256(body).hexdigest(), "size": 5}
        for n, path in enumerate(paths)
    ]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/blob/"):
                self.answer(body, "application/octet-stream")
            elif self.path.startswith("/api/v1/projects/p-1/files"):
                self.answer(json.dumps({"files": files}).encode(), "application/json")
            else:
                self.answer(json.dumps({"project_id": "p-1"}).encode(), "application/json")

        def answer(self, data: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            return None

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@pytest.fixture
def serve() -> Iterator[list[ThreadingHTTPServer]]:
    servers: list[ThreadingHTTPServer] = []
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("hostile", "why"),
    [
        ("../escaped.txt", "unsafe segment"),
        ("/tmp/escaped.txt", "must be relative"),
        ("sub/escaped.txt", "outside the folder"),
        ("link.txt", "symbolic link"),
    ],
)
def test_replay_out_refuses_a_hostile_listing_with_a_message_and_exit_1(
    out: Path,
    elsewhere: Path,
    serve: list[ThreadingHTTPServer],
    hostile: str,
    why: str,
) -> None:
    (out / "sub").symlink_to(elsewhere, target_is_directory=True)
    (out / "link.txt").symlink_to(elsewhere / "keep.txt")
    server = hostile_gateway(["index.html", hostile])
    serve.append(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"

    result = CliRunner().invoke(
        app, ["replay", "p-1", "--out", str(out), "--url", url, "--key", "k"]
    )

    assert result.exit_code == 1, result.output
    assert f"error: refusing to write {hostile!r}" in result.output
    assert why in result.output
    assert "Traceback" not in result.output
    # Every path is checked before anything is fetched: not even the safe file is written.
    assert not (out / "index.html").exists()
    assert contents(elsewhere) == {"keep.txt": "untouched"}
