"""TextBlock: spans drawn as they are, wrapped in cells, styled by role, restyled by a theme."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot

from vm_tui.ui.widgets.text_block import Line, TextBlock

WIDTH = 20


class BlockApp(App[None]):
    CSS = f"TextBlock {{ width: {WIDTH}; }}"

    def compose(self) -> ComposeResult:
        yield TextBlock(min_lines=3)


def rows(block: TextBlock) -> list[str]:
    return [block.render_line(y).text for y in range(block.size.height)]


async def shown(pilot: Pilot[None], lines: list[Line]) -> TextBlock:
    block = pilot.app.query_one(TextBlock)
    block.show(lines)
    await pilot.pause()  # the layout show() may have asked for
    await pilot.pause()
    return block


async def test_text_is_shown_literally_and_styled_by_role() -> None:
    app = BlockApp()
    async with app.run_test(size=(40, 10)) as pilot:
        # Markup is not parsed (callers remove control characters: vm_tui.text.safe).
        block = await shown(pilot, [(("[b]ID[/b] ", "strong"), ("[i]plain", ""))])
        strip = block.render_line(0)
        assert strip.text.rstrip() == "[b]ID[/b] [i]plain"
        styles = {segment.text: segment.style for segment in strip if segment.text.strip()}
        assert styles["[b]ID[/b] "] is not None and styles["[b]ID[/b] "].bold
        assert not any(style and style.bold for text, style in styles.items() if "plain" in text)


async def test_a_long_line_wraps_at_words_and_folds_a_longer_word() -> None:
    app = BlockApp()
    async with app.run_test(size=(40, 20)) as pilot:
        words = "alpha beta gamma delta epsilon zeta"
        block = await shown(pilot, [((words, ""),), (("x" * 45, ""),)])
        assert [row.rstrip() for row in rows(block)] == [
            "alpha beta gamma",
            "delta epsilon zeta",
            "x" * 20,
            "x" * 20,
            "x" * 5,
        ]
        assert block.size.height == 5
        assert all(block.render_line(y).cell_length == WIDTH for y in range(5))


async def test_wide_characters_and_tabs_are_counted_in_cells() -> None:
    app = BlockApp()
    async with app.run_test(size=(40, 20)) as pilot:
        block = await shown(pilot, [(("東京大阪" * 3, ""),), (("a\tb", ""),), (("😀" * 10, ""),)])
        # 12 characters in 24 cells: two rows; the tab expands to the next stop at 8; 10 emoji
        # fill 20 cells exactly: one row.
        assert [row.rstrip() for row in rows(block)] == [
            "東京大阪東京大阪東京",
            "大阪",
            "a       b",
            "😀" * 10,
        ]


async def test_the_height_is_at_least_min_lines_and_shrinks_back() -> None:
    app = BlockApp()
    async with app.run_test(size=(40, 20)) as pilot:
        block = await shown(pilot, [(("one", ""),)])
        assert block.size.height == 3
        before = block._layout_updates
        block = await shown(pilot, [(("two", ""),), (("lines", ""),)])
        assert block.size.height == 3
        assert block._layout_updates == before  # same height: a repaint, no layout
        block = await shown(pilot, [((f"line {n}", ""),) for n in range(6)])
        assert block.size.height == 6
        assert block._layout_updates > before
        block = await shown(pilot, [])
        assert block.size.height == 3
        assert block.plain == ""


async def test_a_new_theme_restyles_what_was_drawn() -> None:
    app = BlockApp()
    async with app.run_test(size=(40, 10)) as pilot:
        app.theme = "textual-dark"
        await pilot.pause()
        block = await shown(pilot, [(("Heading", "heading"), (" text", ""))])
        dark = block.render_line(0)._segments[0].style
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        light = block.render_line(0)._segments[0].style
        assert dark is not None and light is not None
        assert dark.color != light.color


# Strings on which Rich's Text.wrap and Textual's Content.wrap raise (zero-width joiners among
# wide characters, tabs): a caller's name, an ID or a transcription from a stranger.
HOSTILE = [
    "\u200d\u200d東\t\t\t😀\t東\t\t",
    "b \u200d\u200d東ca---東--cb---bb東\u200d😀-東abaa\u200d-東cc😀b😀\u200d\u200d aa東😀東- a",
]


async def test_text_that_breaks_richs_wrap_is_laid_out_and_drawn() -> None:
    app = BlockApp()
    async with app.run_test(size=(40, 30)) as pilot:
        for text in HOSTILE:
            block = await shown(pilot, [(("ID        ", "strong"), (text, "dim")), ((text, ""),)])
            assert block.size.height >= 3
            for y in range(block.size.height):
                assert block.render_line(y).cell_length == WIDTH
        assert app.is_running


async def test_new_lines_repaint_only_the_rows_that_changed() -> None:
    """Rows the same as before keep their strips and are not repainted (nor sent again); the
    composed screen still shows every new row."""
    app = BlockApp()
    async with app.run_test(size=(40, 10)) as pilot:
        first = [(("Caller A", "heading"),), (("Line  Sales", ""),), (("ID  1", "dim"),)]
        block = await shown(pilot, first)
        drawn = [block.render_line(y) for y in range(3)]
        asked: list[tuple[Region, ...]] = []
        real_refresh = block.refresh

        def noted(*regions: Region, **kwargs: Any) -> Any:
            asked.append(regions)
            return real_refresh(*regions, **kwargs)

        block.refresh = noted  # type: ignore[method-assign]
        block.show([(("Caller B", "heading"),), (("Line  Sales", ""),), (("ID  2", "dim"),)])
        assert asked == [(Region(0, 0, WIDTH, 1),), (Region(0, 2, WIDTH, 1),)]
        assert block.render_line(1) is drawn[1]  # kept
        await pilot.pause()
        screen = [strip.text for strip in app.screen._compositor.render_strips()]
        assert [row.rstrip() for row in screen[:3]] == ["Caller B", "Line  Sales", "ID  2"]

        asked.clear()
        block.show([(("Caller B", "heading"),), (("Line  Sales", ""),), (("ID  2", "dim"),)])
        assert asked == []  # nothing changed: no repaint at all
