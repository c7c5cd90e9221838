"""A run's line records read back lazily: the same records, whatever the chunks and cuts."""

from __future__ import annotations

import marshal
from array import array
from pathlib import Path

from tui_exec.core.run import LineRecord, LineRecords, ProgramRun, RunLimits, read_lines
from tui_exec.core.trace import NEW_LINE, NO_LINE, STATE_CHANGED


def record(
    step: int, depth: int = 1, notes: tuple[str, ...] = (), line: int | None = 1
) -> LineRecord:
    event = STATE_CHANGED if notes else NEW_LINE
    return LineRecord(step, 0, line, (0,) * depth, (("i", str(step)),), step, 0, event, notes)  # type: ignore[arg-type]


def write_files(folder: Path, chunks: list[list[LineRecord]]) -> tuple[Path, Path]:
    """Files as the recorder writes them: chunks with their counts, and the state columns."""
    lines, states = folder / "lines.bin", folder / "states.bin"
    with open(lines, "wb") as out:
        for chunk in chunks:
            blob = marshal.dumps([tuple(r) for r in chunk])
            out.write(len(blob).to_bytes(4, "little") + len(chunk).to_bytes(4, "little") + blob)
    columns = array("I")
    for chunk in chunks:
        for r in chunk:
            line = NO_LINE if r.line is None else r.line
            columns.extend((r.step, r.code, line, len(r.stack), r.event | 2 * bool(r.notes)))
    states.write_bytes(columns.tobytes())
    return lines, states


def test_records_across_chunks_read_back_equal(tmp_path: Path) -> None:
    made = [
        record(3 * i, depth=1 + i % 3, notes=("f returned 1",) if i % 7 == 0 else ())
        for i in range(10_000)
    ]
    lines, states = write_files(tmp_path, [made[:4096], made[4096:8192], made[8192:]])
    records = read_lines(lines, states)
    assert len(records) == 10_000
    assert list(records) == made
    assert [records[i] for i in (0, 4095, 4096, 8191, 8192, 9999, -1)] == [
        made[i] for i in (0, 4095, 4096, 8191, 8192, 9999, -1)
    ]
    assert list(records.steps) == [3 * i for i in range(10_000)]
    assert list(records.depths) == [1 + i % 3 for i in range(10_000)]
    assert records.noted == [i for i in range(10_000) if i % 7 == 0]
    assert records.notes(7) == ("f returned 1",) and records.notes(8) == ()
    assert records.new_lines[:8] == bytes([0, 1, 1, 1, 1, 1, 1, 0])
    assert records.last_at(4) == 1 and records.last_at(3) == 1 and records.last_at(-1) == -1


def test_a_run_killed_while_saving_keeps_whole_records_only(tmp_path: Path) -> None:
    made = [record(i) for i in range(100)]
    lines, states = write_files(tmp_path, [made[:60], made[60:]])
    # The second chunk was cut short: only the first counts.
    lines.write_bytes(lines.read_bytes()[:-5])
    assert list(read_lines(lines, states)) == made[:60]
    # The chunk is whole but its columns were cut: only records with both count.
    write_files(tmp_path, [made[:60], made[60:]])
    states.write_bytes(states.read_bytes()[: 4 * 5 * 70 + 3])
    assert list(read_lines(lines, states)) == made[:70]
    assert len(read_lines(tmp_path / "missing", states)) == 0


def test_records_made_in_memory_behave_the_same() -> None:
    made = [record(0), record(2, notes=("x",), line=None), record(5, depth=2)]
    records = LineRecords.of(made)
    assert list(records) == made and len(records) == 3
    assert list(records.line_numbers) == [1, NO_LINE, 1]
    assert records.noted == [1]
    assert records[1:] == made[1:]


def test_a_real_run_reads_back_every_record(tmp_path: Path) -> None:
    """A loop of 30,000 lines: several chunks, every record's step and depth as recorded."""
    path = tmp_path / "loop.py"
    path.write_text("def f(i):\n    return i\n\nfor i in range(15000):\n    f(i)\n")
    program = ProgramRun(str(path), limits=RunLimits(max_steps=10**7, wall_time=60))
    program.start()
    result = program.wait()
    records = result.lines
    assert isinstance(records, LineRecords)
    assert len(records) > 2 * 4096 and len(records._chunks) >= 3
    whole = list(records)
    assert [r.step for r in whole] == list(records.steps)
    assert [len(r.stack) for r in whole] == list(records.depths)
    assert sorted(whole, key=lambda r: r.step) == whole
    # Inside f the stack is two deep, in the loop one.
    assert {len(r.stack) for r in whole if r.line == 2} == {2}
    assert {len(r.stack) for r in whole if r.line in (4, 5)} == {1}
