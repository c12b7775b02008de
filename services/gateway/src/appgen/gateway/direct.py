"""The direct path: one frame per event and view, written to every caught-up socket by the hub.

A socket whose feed has sent everything the hub dispatched to it (nothing queued) joins its
project's direct path. From then on the hub, not the socket's own task, delivers: it renders each
event once per distinct view state (sockets that saw the same history share a `Group` and one
view), builds the frame once (`frames.text_frame`) and writes the same bytes to each member's
transport. No task wakes, no queue, no timeout per delivery.

A member whose transport holds more than `limit` bytes, or is closing, leaves the direct path
at the event that finds it so: it takes back a copy of its group's view as it was before that
event, and the event goes to its queue, where the usual slow-client rule applies (a full queue
closes it 1013). Its feed rejoins once the queue is empty and the transport has drained.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Protocol, Self

from appgen.gateway.frames import text_frame
from appgen.gateway.messages import FeedItem


class View(Protocol):
    """What a socket folds from the events it is sent, to render each one (`LegacyView`)."""

    def render(self, item: FeedItem) -> str: ...

    def state(self) -> Hashable:
        """Equal for two views that render every future event the same."""
        ...

    def copy(self) -> Self: ...

    def assume(self, other: Self) -> None:
        """Take `other`'s state as this view's own."""
        ...


class Writer(Protocol):
    """Where a member's frames go (`frames.FrameWriter`)."""

    def backlog(self) -> int | None:
        """Bytes not yet taken by the network, or None once the socket is closing."""
        ...

    def write(self, frame: bytes) -> None: ...


@dataclass(eq=False, slots=True)
class Cursor:
    """What one socket has been sent: the last position and every event id (no repeats)."""

    last: int
    seen: set[uuid.UUID] = field(default_factory=set)

    def take(self, item: FeedItem) -> bool:
        """Whether `item` is new to the socket; if so it now counts as sent."""
        if item.position <= self.last or item.event.event_id in self.seen:
            return False
        self.last = item.position
        self.seen.add(item.event.event_id)
        return True


@dataclass(eq=False, slots=True)
class Member:
    """One socket able to take the direct path: its writer, its own view and its cursor."""

    writer: Writer
    view: View
    cursor: Cursor
    group: Group | None = None

    @property
    def direct(self) -> bool:
        return self.group is not None


@dataclass(eq=False, slots=True)
class Group:
    """Members whose views are in the same state, and the one view that stands for them all."""

    view: View
    members: set[Member] = field(default_factory=set)


class DirectProject:
    """The direct members of one project, grouped by view state."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._groups: dict[Hashable, Group] = {}

    def __bool__(self) -> bool:
        return bool(self._groups)

    def join(self, member: Member) -> None:
        key = member.view.state()
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = Group(member.view.copy())
        group.members.add(member)
        member.group = group

    def leave(self, member: Member) -> None:
        """Off the direct path, with the view its group has now."""
        group = member.group
        if group is None:
            return
        member.group = None
        group.members.discard(member)
        member.view.assume(group.view)
        if not group.members:
            self._drop(group)

    def deliver(self, item: FeedItem) -> tuple[int, list[Member]]:
        """Write `item` to every member that can take it now: (frames written, members that
        left because their transport is closing or too full; the caller queues `item` for them)."""
        written, gone = 0, []
        frames: dict[str, bytes] = {}
        event_id = item.event.event_id
        rekey = False
        for key, group in list(self._groups.items()):
            # First every member's checks, while the group's view is still as before `item`.
            aside: list[Member] = []
            for member in group.members:
                backlog = member.writer.backlog()
                if backlog is None or backlog > self._limit:
                    gone.append(member)
                    aside.append(member)
                elif item.position <= member.cursor.last or event_id in member.cursor.seen:
                    # Already sent (an event the stream holds twice): this one alone skips it,
                    # so its view must not take it either.
                    aside.append(member)
            for member in aside:
                self.leave(member)
                if member not in gone:
                    self.join_alone(member)
            if not group.members:
                continue
            text = group.view.render(item)
            frame = frames.get(text)
            if frame is None:
                frame = frames[text] = text_frame(text)
            for member in group.members:
                member.cursor.last = item.position
                member.cursor.seen.add(event_id)
                member.writer.write(frame)
            written += len(group.members)
            rekey = rekey or group.view.state() != key
        if rekey:
            self._rekey()
        return written, gone

    def join_alone(self, member: Member) -> None:
        """Back on the direct path in a group of its own (its view now differs from the rest's)."""
        group = Group(member.view.copy(), {member})
        member.group = group
        self._groups[("alone", id(group))] = group

    def _drop(self, group: Group) -> None:
        for key, each in list(self._groups.items()):
            if each is group:
                del self._groups[key]
                return

    def _rekey(self) -> None:
        """Key groups by their views' new states, merging those that came to agree."""
        groups, self._groups = self._groups, {}
        for group in groups.values():
            key = group.view.state()
            same = self._groups.get(key)
            if same is None:
                self._groups[key] = group
                continue
            for member in group.members:
                member.group = same
            same.members |= group.members
