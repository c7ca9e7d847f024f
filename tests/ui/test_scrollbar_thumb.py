"""The list's scrollbar is repainted only when its thumb moves: the same span, the same bar."""

from __future__ import annotations

from textual.scrollbar import ScrollBarRender

from vm_tui.ui.widgets.scrollbar_thumb import thumb_span

STEPS = len(ScrollBarRender.VERTICAL_BARS)


def drawn(size: int, virtual_size: int, window_size: int, position: float) -> list[str]:
    bar = ScrollBarRender.render_bar(size, virtual_size, window_size, position)
    return [f"{segment.text}{segment.style}" for segment in bar.segments]


def test_the_same_span_draws_the_same_bar_and_another_span_another_bar() -> None:
    for size, virtual_size, window_size in ((33, 1_000, 33), (33, 60, 33), (10, 11, 10)):
        last = len(range(virtual_size - window_size)) * 8
        by_span: dict[tuple[int, int] | None, list[str]] = {}
        for eighth in range(last + 1):
            position = eighth / 8
            span = thumb_span(size, virtual_size, window_size, position, STEPS)
            bar = drawn(size, virtual_size, window_size, position)
            assert by_span.setdefault(span, bar) == bar, (size, virtual_size, position)
        bars = list(by_span.values())
        assert len({tuple(bar) for bar in bars}) == len(bars)  # no two spans draw alike
        assert len(by_span) > 3


def test_no_thumb_when_everything_fits() -> None:
    assert thumb_span(33, 33, 33, 0, STEPS) is None
    assert thumb_span(33, 20, 0, 0, STEPS) is None
