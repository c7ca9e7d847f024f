"""The detail pane follows the cursor in the frame that moves it, laying out only when needed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.content import Content

from tests.ui.conftest import MakeApp, loaded, screen_text, wait_until
from vm_tui.demo import DemoServer
from vm_tui.ui.widgets.detail import TRANSCRIPTION_LINES, DetailPane
from vm_tui.ui.widgets.text_block import TextBlock
from vm_tui.ui.widgets.voicemail_list import VoicemailList

SHORT = "Short message, one line."


def layouts(app: object) -> int:
    """How many times the detail's parts asked for a screen layout."""
    parts = app.query_one(DetailPane).query(TextBlock)  # type: ignore[attr-defined]
    return sum(part._layout_updates for part in parts)


async def test_same_height_details_repaint_without_a_layout(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    for n in range(2):
        fixed_server.add_voicemail(caller=f"+1415555012{n}", transcription=SHORT)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        vm_list = app.query_one(VoicemailList)
        vm_list.select(vm_list.ids[0])
        await pilot.pause()
        before = layouts(app)
        await pilot.press("j")
        await wait_until(pilot, lambda: "+1 415-555-0120" in screen_text(app))
        assert app.inbox.selected_id == vm_list.ids[1]
        assert layouts(app) == before


async def test_a_long_transcription_gets_the_room_it_needs(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    words = " ".join(f"word{n}" for n in range(200))
    fixed_server.add_voicemail(caller="+14155550177", transcription=words + " THE-END")
    fixed_server.add_voicemail(caller="+14155550178", transcription=SHORT)
    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await loaded(pilot)
        body = app.query_one("#detail-transcription", TextBlock)
        assert body.size.height == TRANSCRIPTION_LINES  # a short one: the reserved lines
        before = layouts(app)
        await pilot.press("j")
        await wait_until(pilot, lambda: "THE-END" in screen_text(app), what="the whole text")
        assert layouts(app) > before
        assert body.size.height > TRANSCRIPTION_LINES
        await pilot.press("k")
        await wait_until(pilot, lambda: body.size.height == TRANSCRIPTION_LINES)


async def test_the_row_and_its_detail_arrive_in_one_frame(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    """The frame that draws the cursor on a row draws that row's details too.

    Judged by what each frame drew (the lines the list and the detail's parts rendered), not
    by their state: the state was right a frame before the details were drawn."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        vm_list = app.query_one(VoicemailList)
        detail = app.query_one(DetailPane)
        drawn: dict[str, str | None] = {}

        def watch(widget: Any, name: str, what: Callable[[int], str | None]) -> None:
            real = widget.render_line

            def render_line(y: int) -> Any:
                seen = what(y)
                if seen is not None:
                    drawn[name] = seen
                return real(y)

            widget.render_line = render_line

        def cursor_row(y: int) -> str | None:
            at = vm_list.cursor_index
            return vm_list.cursor_id if y + vm_list.scroll_offset.y == at else None

        watch(vm_list, "list", cursor_row)
        for part in detail.query(TextBlock):
            watch(part, str(part.id), lambda _y: detail.voicemail.id if detail.voicemail else None)
        frames: list[dict[str, str | None]] = []
        real_refresh = app.screen._compositor_refresh

        def refresh() -> None:
            real_refresh()
            frames.append(dict(drawn))

        app.screen._compositor_refresh = refresh  # type: ignore[method-assign]
        for _ in range(4):
            await pilot.press("j")
            await pilot.pause()
        moved = [frame for frame in frames if frame.get("list")]
        assert len({frame["list"] for frame in moved}) >= 4
        for frame in moved:
            assert set(frame) == {"list", "detail-header", "detail-transcription"}, frame
            assert set(frame.values()) == {frame["list"]}, frame


async def test_a_part_gets_the_height_its_text_wraps_to(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    """A part's height comes from a line count when no line is wider than the pane, and from
    wrapping otherwise (wide characters, tabs): either way it is the height Textual finds."""
    ten = "\n".join  # ten lines: more than the lines kept for a transcription
    plain = ten(["one line"] * 10)
    # Each trap has ten lines that a count by characters, or one blind to tabs, would take
    # for ten unwrapped lines, after a text of ten lines: only a right count lays it out.
    shown = [
        SHORT,
        plain,
        ten(["東京大阪" * 6] * 10),  # 24 characters in 48 cells
        plain,
        ten(["\t".join("abcdefgh")] * 10),  # 15 characters, 57 cells
        plain,
        ten(["😀" * 20] * 10),  # 20 characters in 40 cells
        "word " * 90,
        SHORT,
    ]
    for text in reversed(shown):  # the newest is listed first
        fixed_server.add_voicemail(caller="+14155550190", transcription=text)
    app = make_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await loaded(pilot)
        vm_list = app.query_one(VoicemailList)
        body = app.query_one("#detail-transcription", TextBlock)
        for vm_id in vm_list.ids[: len(shown)]:
            vm_list.select(vm_id)
            await pilot.pause()
            await pilot.pause()
            width = body.content_size.width
            # What Textual's own Content wraps it to: an implementation TextBlock does not use.
            text = app.service.state.get(vm_id).transcription or ""  # type: ignore[union-attr]
            wrapped = sum(
                len(Content(line).expand_tabs(8).wrap(width)) for line in text.split("\n")
            )
            assert body.content_size.height == max(TRANSCRIPTION_LINES, wrapped), vm_id
