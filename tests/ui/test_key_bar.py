"""The key bar at the bottom: what it shows, and clicks on it, in the real app."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType

from tests.ui.conftest import MakeApp, loaded, screen_text, wait_until
from vm_tui.demo import DemoServer
from vm_tui.ui.keys import INBOX_KEYS
from vm_tui.ui.widgets.key_bar import KeyBar


def bottom_line(app: object) -> str:
    return screen_text(app).splitlines()[-1]  # type: ignore[arg-type]


async def test_it_shows_every_footer_key_and_the_palette(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await loaded(pilot)
        line = bottom_line(app)
        for key in INBOX_KEYS:
            if key.show:
                assert key.description in line, key
            else:
                assert key.description not in line, key
        assert line.rstrip().endswith("^p palette")


async def test_clicking_a_hint_presses_its_key(make_app: MakeApp, fixed_server: DemoServer) -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await loaded(pilot)
        line = bottom_line(app)
        # The first cell of "Listened": the m key toggles the selected voicemail.
        selected = app.inbox.selected_id
        assert selected is not None
        before = app.service.state.get(selected)
        assert before is not None
        await pilot.click(KeyBar, offset=(line.index("Listened"), 0))
        await wait_until(
            pilot,
            lambda: (
                (vm := app.service.state.get(selected)) is not None
                and vm.listened != before.listened
            ),
            what="the m key, clicked",
        )


async def test_it_repaints_when_the_bindings_change(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await loaded(pilot)
        assert "Search" in bottom_line(app)
        # In the search box the letter keys type (and the app hides "/" too): no hints for them.
        await pilot.press("slash")
        await wait_until(pilot, lambda: "Search" not in bottom_line(app), what="Search hidden")
        assert "Quit" not in bottom_line(app)
        assert "^p palette" in bottom_line(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: "Search" in bottom_line(app), what="Search back")
        assert "Quit" in bottom_line(app)


class _TwoKeys(App[None]):
    """A minimal app: "a" is enabled, "b" is shown but disabled (check_action returns None)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "press('a')", "Alpha"),
        Binding("b", "press('b')", "Beta"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[str] = []
        self.bells = 0

    def compose(self) -> ComposeResult:
        yield KeyBar()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if parameters == ("b",) else True

    def action_press(self, key: str) -> None:
        self.pressed.append(key)

    def bell(self) -> None:
        self.bells += 1


async def test_a_disabled_key_is_dim_and_a_click_on_it_only_rings() -> None:
    app = _TwoKeys()
    async with app.run_test(size=(60, 3)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        line = bar.render()
        beta = line.plain.index("Beta")
        alpha = line.plain.index("Alpha")
        styles = {span.start: span.style for span in line.spans}
        assert any(getattr(s, "dim", False) for at, s in styles.items() if at >= beta - 4)
        assert not any(getattr(s, "dim", False) for at, s in styles.items() if at < beta - 4)
        await pilot.click(KeyBar, offset=(beta, 0))
        await pilot.click(KeyBar, offset=(alpha, 0))
        await pilot.pause()
        assert app.pressed == ["a"]
        assert app.bells == 1
