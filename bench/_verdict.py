"""What a fault campaign checks once the dust has settled, and the one table it prints.

Every client's received events are compared with the project's history in the store (after the
recorder has caught up with the stream), the store with the stream, each history for a stage
output made twice, and every history read during the run for a hole.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from appgen.events import Event
from bench._follow import ENDS, Followed, HistoryReads
from bench._measure import percentile

# A project's event: (position, event id, type, what makes it one of its kind in a project).
Fact = tuple[int, str, str, str]
# A streamed analysis reports progress as often as its answer grows: not an output of its own.
NOT_OUTPUTS = frozenset({"AnalysisProgressed"})


def fact(position: int, event: Event) -> Fact:
    """An event as the checks see it: one ScreenAdded per route, one ImageGenerated per name,
    one fallback per part, one of every other type per project."""
    key = next(
        (str(getattr(event, name)) for name in ("route", "name", "part") if hasattr(event, name)),
        "",
    )
    return (position, str(event.event_id), event.type, key)


@dataclass(frozen=True)
class Row:
    check: str
    value: int
    failing: bool
    detail: str = ""


@dataclass
class Verdict:
    rows: list[Row] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not any(row.failing for row in self.rows)

    def table(self) -> str:
        lines = ["| check | result | |", "| --- | ---: | --- |"]
        for row in self.rows:
            mark = "**FAIL**" if row.failing else "ok"
            detail = f" {row.detail}" if row.detail else ""
            lines.append(f"| {row.check} | {row.value} | {mark}{detail} |")
        lines.extend(f"| {name} | {value} | |" for name, value in self.notes)
        return "\n".join(lines)


def _some(items: Iterable[str], at_most: int = 3) -> str:
    listed = list(items)
    shown = ", ".join(listed[:at_most])
    return f"({shown}{', …' if len(listed) > at_most else ''})" if listed else ""


def _until_end(history: Sequence[Fact]) -> list[Fact]:
    for index, (_, _, kind, _) in enumerate(history):
        if kind in ENDS:
            return list(history[: index + 1])
    return list(history)


def judge(
    followed: Sequence[Followed],
    stored: Mapping[str, Sequence[Fact]],
    streamed: Mapping[str, Sequence[Fact]],
    reads: HistoryReads,
    supervisor_failure: str | None,
) -> Verdict:
    """The table: each failing row makes the campaign fail."""
    verdict = Verdict()
    rows = verdict.rows
    projects = [f.project_id for f in followed if f.project_id]
    unposted = len(followed) - len(projects)
    ends = {pid: [k for _, _, k, _ in stored.get(pid, ()) if k in ENDS] for pid in projects}
    completed = [pid for pid, kinds in ends.items() if kinds[:1] == ["ProjectCompleted"]]
    failed = [pid for pid, kinds in ends.items() if kinds[:1] == ["ProjectFailed"]]
    stuck = [pid for pid, kinds in ends.items() if not kinds]
    rows.append(Row("projects completed", len(completed), len(completed) != len(followed)))
    rows.append(Row("projects failed", len(failed), bool(failed), _some(failed)))
    rows.append(Row("projects stuck (no end)", len(stuck), bool(stuck), _some(stuck)))
    rows.append(Row("POSTs never answered", unposted, bool(unposted)))

    lost: Counter[str] = Counter()
    doubled: Counter[str] = Counter()
    disordered: Counter[str] = Counter()
    foreign: Counter[str] = Counter()
    for one in followed:
        if not one.project_id:
            continue
        pid = one.project_id
        want = [(p, i) for p, i, _, _ in _until_end(stored.get(pid, ()))]
        got = [(p, i) for p, i, _ in one.events]
        ids = Counter(i for _, i in got)
        lost[pid] = len({i for _, i in want} - set(ids))
        doubled[pid] = sum(n - 1 for n in ids.values())
        disordered[pid] = sum(1 for a, b in itertools.pairwise(got) if b[0] < a[0])
        foreign[pid] = len(set(got) - set(want))
    for name, counts in (
        ("events lost (stored, never received)", lost),
        ("events received twice", doubled),
        ("events received out of order", disordered),
        ("events received not as stored (id, position)", foreign),
    ):
        total = sum(counts.values())
        clients = sum(1 for n in counts.values() if n)
        rows.append(Row(name, total, bool(total), f"({clients} clients)" if total else ""))

    differ = [
        pid
        for pid in projects
        if [(p, i) for p, i, _, _ in stored.get(pid, ())] != _first_of_each(streamed.get(pid, ()))
    ]
    rows.append(Row("histories where stream and store differ", len(differ), bool(differ)))
    twice = [
        f"{pid[:8]} {kind} {key}".strip()
        for pid in projects
        for kind, key in _twice(stored.get(pid, ()))
    ]
    rows.append(Row("stage outputs produced twice", len(twice), bool(twice), _some(twice)))
    after = [
        pid for pid in projects if len(stored.get(pid, ())) > len(_until_end(stored.get(pid, ())))
    ]
    rows.append(Row("histories with events after their end", len(after), bool(after), _some(after)))
    holes = [pid for pid, read in reads.reads if not _is_prefix(read, stored.get(pid, ()))]
    rows.append(Row("history reads that showed a hole", len(holes), bool(holes), _some(holes)))
    rows.append(
        Row(
            "supervisor gave up",
            int(supervisor_failure is not None),
            supervisor_failure is not None,
            supervisor_failure or "",
        )
    )

    verdict.notes.extend(
        [
            (
                "history reads during the run (failed part way)",
                f"{len(reads.reads)} ({reads.failed})",
            ),
            (
                "client connections (stalls: silent 8 s, reconnected)",
                f"{sum(f.connects for f in followed)} ({sum(f.silences for f in followed)})",
            ),
            ("seconds from POST to the end, p50 / max", _spread([f.seconds for f in followed])),
            ("why sockets ended early", _counts(sum((f.closes for f in followed), Counter()))),
        ]
    )
    return verdict


def _spread(values: list[float]) -> str:
    return f"{percentile(values, 0.5):.1f} / {max(values):.1f}" if values else "none"


def _counts(counts: Counter[str]) -> str:
    return ", ".join(f"{name}: {n}" for name, n in counts.most_common()) or "none"


def _first_of_each(history: Sequence[Fact]) -> list[tuple[int, str]]:
    """The stream's history as the store keeps it: a repeated id only at its first position."""
    seen: set[str] = set()
    kept = []
    for position, event_id, _, _ in history:
        if event_id not in seen:
            seen.add(event_id)
            kept.append((position, event_id))
    return kept


def _twice(history: Sequence[Fact]) -> list[tuple[str, str]]:
    ids: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    for _, event_id, kind, key in history:
        if kind not in NOT_OUTPUTS:
            ids[(kind, key)].add(event_id)
    repeated = [what for what, found in ids.items() if len(found) > 1]
    if sum(1 for _, _, kind, _ in history if kind in ENDS) > 1:
        repeated.append(("a second end", ""))
    return repeated


def _is_prefix(read: Sequence[tuple[int, str]], history: Sequence[Fact]) -> bool:
    return list(read) == [(p, i) for p, i, _, _ in history[: len(read)]]
