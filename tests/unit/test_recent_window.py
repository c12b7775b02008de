"""The window of the stream's newest messages the hub keeps for new clients' first pages."""

from __future__ import annotations

from appgen.events.read.tail import StreamMessage
from appgen.events.read.window import RecentWindow


def message(position: int, size: int = 10) -> StreamMessage:
    return StreamMessage(position, f"appgen.events.p{position % 2}.X", b"x" * size)


def test_it_hands_back_a_projects_messages_after_a_position_in_order() -> None:
    window = RecentWindow(start=11)
    for position in range(11, 21):
        window.add(f"p{position % 2}", message(position))
    assert [m.position for m in window.after("p0", 10) or []] == [12, 14, 16, 18, 20]
    assert [m.position for m in window.after("p1", 15) or []] == [17, 19]
    assert window.after("nobody", 10) == []
    # Before the reader's start it cannot tell: the stream must be asked.
    assert window.after("p0", 9) is None
    assert window.covers(10)
    assert not window.covers(9)


def test_messages_pushed_out_by_count_raise_where_it_is_complete() -> None:
    window = RecentWindow(start=1, messages=4)
    for position in range(1, 11):
        window.add(f"p{position % 2}", message(position))
    assert len(window) == 4
    assert window.complete_after == 6
    assert window.after("p0", 5) is None
    assert [m.position for m in window.after("p0", 6) or []] == [8, 10]
    assert [m.position for m in window.after("p1", 6) or []] == [7, 9]


def test_messages_pushed_out_by_size_too() -> None:
    window = RecentWindow(start=1, messages=1000, size=100)
    for position in range(1, 6):
        window.add("p", message(position, size=40))
    assert len(window) == 2
    assert window.complete_after == 3
    assert [m.position for m in window.after("p", 3) or []] == [4, 5]
