"""The result table: one row per figure, printed as text and written as markdown."""

from __future__ import annotations

from dataclasses import dataclass

HEADERS = ("figure", "measured", "baseline (same run)", "ratio", "target", "met?")


@dataclass(frozen=True)
class Row:
    figure: str
    measured: str
    baseline: str = "-"
    ratio: str = "-"
    target: str = "-"
    met: bool | None = None  # None: a figure shown for information, with no target
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.met is None:
            return "-"
        return "yes" if self.met else "MISSED"

    def cells(self) -> tuple[str, ...]:
        return (self.figure, self.measured, self.baseline, self.ratio, self.target, self.verdict)


def error_row(figure: str, error: BaseException) -> Row:
    """A section that crashed still gets a row, so one failure does not hide the other figures."""
    text = f"{type(error).__name__}: {error}".splitlines()[0][:160]
    return Row(figure, "ERROR", met=False, note=text)


def _notes(rows: list[Row]) -> list[str]:
    return [f"[{i}] {row.note}" for i, row in enumerate(rows, 1) if row.note]


def _figure_cell(index: int, row: Row) -> str:
    return f"{row.figure} [{index}]" if row.note else row.figure


def as_text(rows: list[Row]) -> str:
    table = [HEADERS] + [(_figure_cell(i, r), *r.cells()[1:]) for i, r in enumerate(rows, 1)]
    widths = [max(len(line[c]) for line in table) for c in range(len(HEADERS))]
    lines = []
    for n, line in enumerate(table):
        lines.append(" | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)))
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths))
    notes = _notes(rows)
    return "\n".join(lines + (["", *notes] if notes else []))


def as_markdown(rows: list[Row]) -> str:
    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    out = [line(HEADERS), line(tuple("---" for _ in HEADERS))]
    out += [line((_figure_cell(i, r), *r.cells()[1:])) for i, r in enumerate(rows, 1)]
    notes = _notes(rows)
    if notes:
        out += ["", *(f"{n}  " for n in notes)]
    return "\n".join(out)
