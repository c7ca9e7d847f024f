"""The inbox list: a Line API widget that renders only the rows on screen.

Rows are keyed by voicemail id. ``apply`` takes the new order and the ids whose content changed;
the cursor follows the voicemail (never the row index), and a change off screen repaints nothing.

Its columns (which show at a width, how a cell is cut): ``list_columns``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from vm_tui.api.models import Voicemail
from vm_tui.inbox.labels import caller_label, line_label, preview
from vm_tui.text.times import duration, received
from vm_tui.ui.keys import SEEK_BINDINGS
from vm_tui.ui.widgets.list_columns import LINE_CAP, Layout, fit, fit_words, layout_for
from vm_tui.ui.widgets.plain_lines import plain_lines
from vm_tui.ui.widgets.scrollbar_thumb import move_thumb

Lookup = Callable[[str], Voicemail | None]


class RowStyles(NamedTuple):
    base: Style
    dim: Style
    marker: Style


class VoicemailList(ScrollView, can_focus=True):
    """Newest first; bold with a dot when unlistened."""

    # j/k are priority bindings: Textual runs them as the app receives the key, instead of
    # passing the key down to the list and back up (~0.5 ms of each move). They apply only
    # while the list has the focus, so the search field and dialogs still get the letters.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, priority=True),
        Binding("k,up", "cursor_up", "Up", show=False, priority=True),
        Binding("g,home", "first", "First", show=False),
        Binding("G,end", "last", "Last", show=False),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False),
        *(Binding(key, action, show=False) for key, action in SEEK_BINDINGS),
    ]

    COMPONENT_CLASSES = {
        "voicemail-list--cursor",
        "voicemail-list--unread",
        "voicemail-list--dim",
        "voicemail-list--marker",
    }

    DEFAULT_CSS = """
    VoicemailList {
        background: $surface;
        overflow-x: hidden;
    }
    VoicemailList > .voicemail-list--cursor {
        background: $block-cursor-blurred-background;
    }
    VoicemailList:focus > .voicemail-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    VoicemailList > .voicemail-list--unread { text-style: bold; }
    VoicemailList > .voicemail-list--dim { color: $text-muted; }
    VoicemailList > .voicemail-list--marker { color: $accent; text-style: bold; }
    """

    # Posted straight to the screen, which shows the detail. Bubbling on to the app, where no
    # one listens, was one more queue hop between the key and its frame.
    class Highlighted(Message, bubble=False):
        """The cursor moved to another voicemail (None: the list is empty)."""

        def __init__(self, voicemail_id: str | None) -> None:
            super().__init__()
            self.voicemail_id = voicemail_id

    class Activated(Message):
        """A double click on a row (Enter is the screen's key: one path for it)."""

        def __init__(self, voicemail_id: str) -> None:
            super().__init__()
            self.voicemail_id = voicemail_id

    def __init__(
        self,
        lookup: Lookup,
        now: Callable[[], datetime],
        durations: Callable[[str], float | None] | None = None,
        names: Callable[[str], str | None] | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._names = names or (lambda _number: None)
        self._lookup = lookup
        self._now = now
        self._durations = durations or (lambda _id: None)
        self._ids: list[str] = []
        self._index: dict[str, int] = {}
        # Rendered rows by voicemail id, then (width, is cursor, focused): forgetting one
        # voicemail's rows is one lookup, whatever else is cached (a bulk mark forgets 3,000).
        self._line_cache: dict[str, dict[tuple[int, bool, bool], Strip]] = {}
        # The line column's width: each listed voicemail's line-name cells (at most LINE_CAP),
        # and how many listed voicemails need each width, kept up to date as rows come and go.
        self._line_cells: dict[str, int] = {}
        self._line_counts = [0] * (LINE_CAP + 1)
        self._cells_by_line: dict[tuple[str, str, str], int] = {}
        self.line_width = 0
        self._layouts: dict[int, Layout] = {}
        # Cell styles by (listened, is cursor, focused); Textual resolves each from the CSS
        # at some cost, and a row is drawn often (see notify_style_update).
        self._row_styles: dict[tuple[bool, bool, bool], RowStyles] = {}
        # Of the frame being drawn, set once by render_lines rather than looked up per line.
        self._row_width = 0
        self._top: int | None = None
        self.cursor_id: str | None = None
        self.rows_rendered = 0  # instrumentation for tests and benchmarks

    # -- data ---------------------------------------------------------------------------------

    @property
    def ids(self) -> list[str]:
        return self._ids

    @property
    def cursor_index(self) -> int | None:
        return None if self.cursor_id is None else self._index.get(self.cursor_id)

    def apply(self, order: list[str], changed: tuple[str, ...] = ()) -> None:
        """Show ``order``; repaint only rows in ``changed`` or moved by insertions/removals."""
        old_cursor_index = self.cursor_index
        old_top_id = self._id_at(self.scroll_offset.y)
        structure_changed = order != self._ids
        for vm_id in changed:
            self._line_cache.pop(vm_id, None)
        if structure_changed:
            old_index = self._index
            self._ids = list(order)
            self._index = {vm_id: i for i, vm_id in enumerate(self._ids)}
            self._count_lines(old_index.keys() - self._index.keys(), self._index.keys() - old_index)
        relaid = self._recount_changed(changed)
        if structure_changed:
            self.virtual_size = Size(0, len(self._ids))
            self._keep_cursor(old_cursor_index)
            self._keep_viewport(old_top_id, old_cursor_index)
        if structure_changed or relaid:
            self.refresh()
        else:
            self._refresh_rows(changed)

    # -- the line column's width --------------------------------------------------------------

    def _line_cells_of(self, vm: Voicemail | None) -> int:
        if vm is None:
            return 0
        key = (vm.line_name, vm.line_number_formatted, vm.line_number)
        cells = self._cells_by_line.get(key)
        if cells is None:
            if len(self._cells_by_line) > 1024:
                self._cells_by_line.clear()
            cells = self._cells_by_line[key] = min(cell_len(line_label(vm)), LINE_CAP)
        return cells

    def _count_lines(self, removed: Iterable[str], added: Iterable[str]) -> None:
        """Rows left and joined the list: only they are looked at (a poll adding one voicemail
        to 10,000 costs one lookup)."""
        cells, counts = self._line_cells, self._line_counts
        for vm_id in removed:
            counts[cells.pop(vm_id)] -= 1
        # Inlined: the first inbox adds every row at once (10,000 in ~3 ms).
        lookup, known = self._lookup, self._cells_by_line
        for vm_id in added:
            vm = lookup(vm_id)
            n = (
                known.get((vm.line_name, vm.line_number_formatted, vm.line_number))
                if vm is not None
                else 0
            )
            if n is None:
                n = self._line_cells_of(vm)
            cells[vm_id] = n
            counts[n] += 1

    def _recount_changed(self, changed: tuple[str, ...]) -> bool:
        """A changed voicemail may be on another line now; True when the column's width moved
        (then every row is drawn again)."""
        cells, counts = self._line_cells, self._line_counts
        for vm_id in changed:
            old = cells.get(vm_id)
            if old is None:
                continue  # not in the list
            new = self._line_cells_of(self._lookup(vm_id))
            if new != old:
                counts[old] -= 1
                counts[new] += 1
                cells[vm_id] = new
        width = next((n for n in range(LINE_CAP, 0, -1) if counts[n]), 0)
        if width == self.line_width:
            return False
        self.line_width = width
        self._layouts.clear()
        self._line_cache.clear()
        return True

    def columns_at(self, width: int) -> Layout:
        found = self._layouts.get(width)
        if found is None:
            found = self._layouts[width] = layout_for(width, self.line_width)
        return found

    def refresh_times(self) -> None:
        """Relative times ('5 min ago') age, a contact got a name: repaint what is on screen."""
        self._line_cache.clear()
        self.refresh()

    def select(self, voicemail_id: str | None) -> None:
        if voicemail_id is not None and voicemail_id not in self._index:
            return
        if voicemail_id == self.cursor_id:
            return
        previous = self.cursor_id
        self.cursor_id = voicemail_id
        for vm_id in (previous, voicemail_id):
            if vm_id is not None:
                self._repaint_row(vm_id)
        self._scroll_to_cursor()
        self._post_highlighted()

    def _keep_cursor(self, old_index: int | None) -> None:
        if self.cursor_id in self._index:
            return
        if not self._ids:
            self.cursor_id = None
        else:
            # The selected voicemail vanished: take the neighbour that now sits where it was.
            index = min(old_index or 0, len(self._ids) - 1)
            self.cursor_id = self._ids[index]
        self._post_highlighted()

    def _post_highlighted(self) -> None:
        """Straight to the screen, which shows the detail: bubbling up through the containers
        takes one queue hop each, and the screen paints the row in a frame of its own before
        the message arrives. One frame then shows both."""
        self.screen.post_message(self.Highlighted(self.cursor_id))

    def _keep_viewport(self, old_top_id: str | None, old_cursor_index: int | None) -> None:
        """New rows at the top must not push the user's rows around on screen."""
        new_cursor_index = self.cursor_index
        if (
            old_cursor_index is not None
            and new_cursor_index is not None
            and new_cursor_index != old_cursor_index
            and self.scroll_y > 0
        ):
            self.scroll_to(y=self.scroll_y + new_cursor_index - old_cursor_index, animate=False)
        elif old_top_id is not None and old_top_id in self._index and self.scroll_y > 0:
            self.scroll_to(y=self._index[old_top_id], animate=False)
        self._scroll_to_cursor()

    def _id_at(self, index: int) -> str | None:
        return self._ids[index] if 0 <= index < len(self._ids) else None

    # -- movement -----------------------------------------------------------------------------

    def _move(self, delta: int) -> None:
        if not self._ids:
            return
        index = self.cursor_index
        index = 0 if index is None else max(0, min(len(self._ids) - 1, index + delta))
        self.select(self._ids[index])

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_first(self) -> None:
        self._move(-len(self._ids))

    def action_last(self) -> None:
        self._move(len(self._ids))

    def action_page_down(self) -> None:
        self._move(max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self._move(-max(1, self.scrollable_content_region.height - 1))

    def _scroll_to_cursor(self) -> None:
        index = self.cursor_index
        if index is not None and self.size.height:
            self.scroll_to_region(Region(0, index, 1, 1), animate=False, immediate=True, force=True)

    async def _on_click(self, event: events.Click) -> None:
        index = event.y + self.scroll_offset.y
        vm_id = self._id_at(index)
        if vm_id is None:
            return
        self.focus()
        self.select(vm_id)
        if event.chain >= 2:
            self.post_message(self.Activated(vm_id))

    # -- rendering ----------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        # The line cache is keyed by width too: nothing to throw away here.
        self.virtual_size = Size(0, len(self._ids))

    def on_focus(self) -> None:
        self._refresh_cursor()

    def on_blur(self) -> None:
        self._refresh_cursor()

    def _refresh_cursor(self) -> None:
        if self.cursor_id is not None:
            self._repaint_row(self.cursor_id)

    def _repaint_row(self, vm_id: str) -> None:
        """Draw the row again with the cursor or the focus changed. Its cached strips stay:
        they are kept per look (cursor, focus), so only a look not drawn before is drawn."""
        index = self._index.get(vm_id)
        if index is None:
            return
        if 0 <= index - self.scroll_offset.y < self.size.height:
            self.refresh_line(index)  # ScrollView's refresh_line takes the row, not the line

    def _refresh_rows(self, vm_ids: Iterable[str]) -> None:
        """Rows whose voicemail changed: their cached strips go, and those on screen are drawn
        again (the viewport is looked up once, not once per row)."""
        top, height, index = self.scroll_offset.y, self.size.height, self._index
        for vm_id in vm_ids:
            self._line_cache.pop(vm_id, None)
            at = index.get(vm_id)
            if at is not None and 0 <= at - top < height:
                self.refresh_line(at)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # ScrollView's, but the bar is repainted only when its thumb moves (scrollbar_thumb).
        # Rows are drawn from scroll_offset.y, round(scroll_y), as Textual's refresh_line and
        # this repaint count them: an animated scroll can stop between rows (32.99).
        if self.show_vertical_scrollbar:
            move_thumb(self.vertical_scrollbar, new_value)
        if round(old_value) != round(new_value):
            self.refresh(self.size.region)

    def notify_style_update(self) -> None:
        # A new theme or CSS: rows drawn and styles resolved before are stale.
        super().notify_style_update()
        self._row_styles.clear()
        self._line_cache.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        # Not self.size: the vertical scrollbar covers the last cells, and the "…" with them.
        self._row_width = self.scrollable_size.width
        self._top = self.scroll_offset.y
        try:
            # Rows come from the cache by voicemail id, as strips a scroll does not re-style.
            plain = plain_lines(self, crop)
            return super().render_lines(crop) if plain is None else plain
        finally:
            self._top = None

    def render_line(self, y: int) -> Strip:
        index = y + (self.scroll_offset.y if self._top is None else self._top)
        width = self._row_width or self.scrollable_size.width
        vm_id = self._id_at(index)
        if vm_id is None:
            return Strip.blank(width, self.rich_style)
        is_cursor = vm_id == self.cursor_id
        key = (width, is_cursor, is_cursor and self.has_focus)
        rows = self._line_cache.get(vm_id)
        strip = None if rows is None else rows.get(key)
        if strip is None:
            vm = self._lookup(vm_id)
            strip = self._render_row(vm, width, is_cursor) if vm else Strip.blank(width)
            if rows is None:
                if len(self._line_cache) > 512:
                    self._line_cache.clear()
                rows = self._line_cache[vm_id] = {}
            rows[key] = strip
        return strip

    def _render_row(self, vm: Voicemail, width: int, is_cursor: bool) -> Strip:
        self.rows_rendered += 1
        key = (vm.listened, is_cursor, self.has_focus)
        styles = self._row_styles.get(key)
        if styles is None:
            styles = self._row_styles[key] = self._resolve_row_styles(vm.listened, is_cursor)
        base, dim = styles.base, styles.dim
        columns = self.columns_at(width)
        cells = [
            (" ● " if not vm.listened else "   ", styles.marker),
            (fit(caller_label(vm, self._names(vm.caller)), columns.caller), base),
        ]
        if columns.line:
            cells.append((" " + fit(line_label(vm), columns.line), dim))
        if columns.received:
            cells.append((" " + fit(received(vm.created_at, self._now()), columns.received), dim))
        if columns.duration:
            seconds = self._durations(vm.id)
            shown = duration(seconds) if seconds else ""
            cells.append((" " + fit(shown.rjust(columns.duration), columns.duration), dim))
        if columns.preview:
            text = ("" if vm.recording_ready else "◌ ") + preview(vm)
            style = dim if vm.transcription is None else base
            cells.append((" " + fit_words(text, columns.preview), style))
        segments = [Segment(text, style) for text, style in cells]
        return Strip(segments).adjust_cell_length(width, base).simplify()

    def _resolve_row_styles(self, listened: bool, is_cursor: bool) -> RowStyles:
        base = self.rich_style
        if not listened:
            base = base + self.get_component_rich_style("voicemail-list--unread", partial=True)
        dim = base + self.get_component_rich_style("voicemail-list--dim", partial=True)
        marker = base + self.get_component_rich_style("voicemail-list--marker", partial=True)
        if is_cursor:
            # Added after each cell's own style, so the cursor colours win.
            cursor = self.get_component_rich_style("voicemail-list--cursor", partial=True)
            base, dim, marker = base + cursor, dim + cursor, marker + cursor
        return RowStyles(base, dim, marker)
