"""The direct path without servers: one frame per event and view state, the same bytes for every
caught-up socket, and a socket that falls behind handed back to its queue as it was."""

from __future__ import annotations

import json

import pytest
from websockets.frames import Frame, Opcode

from appgen.events import ScreenAdded
from appgen.gateway.compat import LegacyView
from appgen.gateway.direct import Cursor, DirectProject, Member
from appgen.gateway.frames import text_frame
from appgen.gateway.messages import FeedItem
from appgen.store.samples import sample_history

pytestmark = pytest.mark.unit

ORIGIN = "http://127.0.0.1:8000"
LIMIT = 1000


class FakeWriter:
    def __init__(self, backlog: int | None = 0) -> None:
        self.frames: list[bytes] = []
        self.waiting = backlog

    def backlog(self) -> int | None:
        return self.waiting

    def write(self, frame: bytes) -> None:
        self.frames.append(frame)


def member(view: LegacyView | None = None, writer: FakeWriter | None = None) -> Member:
    return Member(writer or FakeWriter(), view or LegacyView(ORIGIN), Cursor(0))


def screen(project_id: str, index: int) -> ScreenAdded:
    return ScreenAdded(
        project_id=project_id, route=f"s{index}", title=f"Screen {index}", index=index, total=9
    )


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65_535, 65_536, 100_000])
def test_a_text_frame_is_what_websockets_sends(size: int) -> None:
    text = "é" * (size // 2) + "x" * (size % 2)
    expected = Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[])
    assert text_frame(text) == expected


def test_sockets_in_the_same_state_get_the_same_bytes_written_once() -> None:
    history = sample_history(screens=2)
    direct = DirectProject(LIMIT)
    members = [member() for _ in range(3)]
    for each in members:
        direct.join(each)
    alone = LegacyView(ORIGIN)
    for position, event in enumerate(history, start=1):
        item = FeedItem(position, event)
        written, gone = direct.deliver(item)
        assert (written, gone) == (3, [])
        expected = alone.render(item)
        frames = [each.writer.frames[-1] for each in members]  # type: ignore[attr-defined]
        assert frames[0] is frames[1] is frames[2]
        assert frames[0] == text_frame(expected)
    assert all(each.cursor.last == len(history) for each in members)


def payload(frame: bytes) -> dict[str, object]:
    size = frame[1]
    start = 2 if size < 126 else 4 if size == 126 else 10
    message: dict[str, object] = json.loads(frame[start:])
    return message


def test_a_socket_that_falls_behind_goes_back_to_its_queue_as_it_was() -> None:
    history = sample_history(screens=2)
    direct = DirectProject(LIMIT)
    slow_writer, fast_writer, closing = FakeWriter(), FakeWriter(), FakeWriter()
    slow, fast, gone_away = (
        member(writer=slow_writer),
        member(writer=fast_writer),
        member(writer=closing),
    )
    for each in (slow, fast, gone_away):
        direct.join(each)
    direct.deliver(FeedItem(1, history[0]))
    slow_writer.waiting = LIMIT + 1
    closing.waiting = None
    written, gone = direct.deliver(FeedItem(2, history[1]))
    assert written == 1
    assert set(gone) == {slow, gone_away}
    assert not slow.direct
    assert fast.direct
    assert slow.cursor.last == 1
    assert fast.cursor.last == 2
    # Its own view stands as after the events it was sent, so the event its queue now gets
    # renders as the direct path rendered it for the others.
    assert slow.view.render(FeedItem(2, history[1])) == json.dumps(
        payload(fast_writer.frames[-1]), separators=(",", ":")
    )
    assert len(slow_writer.frames) == 1


def test_an_event_already_sent_to_one_socket_skips_it_alone() -> None:
    history = sample_history(screens=2)
    direct = DirectProject(LIMIT)
    resumed, fresh = member(), member()
    resumed.cursor.seen.add(history[0].event_id)
    direct.join(resumed)
    direct.join(fresh)
    written, _ = direct.deliver(FeedItem(1, history[0]))
    assert written == 1
    assert resumed.writer.frames == []  # type: ignore[attr-defined]
    assert resumed.direct
    assert resumed.group is not fresh.group
    assert resumed.group is not None
    assert resumed.group.view.state() == LegacyView(ORIGIN).state()
    written, _ = direct.deliver(FeedItem(2, history[1]))
    assert written == 2


def test_views_that_come_to_agree_share_one_group() -> None:
    project_id = sample_history()[0].project_id
    direct = DirectProject(LIMIT)
    ahead, behind = member(), member()
    ahead.view.render(FeedItem(1, screen(project_id, 0)))
    direct.join(ahead)
    direct.join(behind)
    assert ahead.group is not behind.group
    direct.deliver(FeedItem(2, screen(project_id, 0)))
    assert ahead.group is behind.group
    direct.leave(ahead)
    assert ahead.view.state() == behind.group.view.state()  # type: ignore[union-attr]
