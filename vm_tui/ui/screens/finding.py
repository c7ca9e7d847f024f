"""The inbox screen's keys for finding voicemails: search, filters, jumps, bulk marks, contacts.

A part of ``InboxScreen`` (a mixin, so the actions stay on the screen that binds the keys).
"""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Input

from vm_tui.inbox.filters import InboxFilter, lines_of, next_unlistened
from vm_tui.text.safe import one_line
from vm_tui.ui.screens.inbox_parts import InboxParts
from vm_tui.ui.widgets.status_bar import StatusBar
from vm_tui.ui.widgets.voicemail_list import VoicemailList


class FindingActions(InboxParts):
    def set_filter(self, new: InboxFilter) -> None:
        """Attributes down: the list shows what the filter lets through; the header says so."""
        self.filter = new
        if not self._ready:
            return
        self.query_one(VoicemailList).apply(self.visible_order())
        self.update_filter_label()

    def update_filter_label(self) -> None:
        parts: list[str] = []
        if self.filter.query.strip():
            parts.append(f"search: {one_line(self.filter.query, 30)}")
        if self.filter.line is not None:
            lines = lines_of(self.service.state)
            line = next((x for x in lines if x.number == self.filter.line), None)
            name = one_line(line.name, 24) if line else "line"
            parts.append(f"line: {name} ({line.unlistened if line else 0} new)")
        if self.filter.unlistened_only:
            parts.append("unlistened only")
        label = ""
        if parts:
            shown = len(self.query_one(VoicemailList).ids)
            label = f"⏷ {' · '.join(parts)} · {shown} shown (esc clears)"
        self.query_one(StatusBar).filter_label = label

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In the search box "/" is just a character.
        return not (action == "search" and self.focused is not None and self.focused.id == "search")

    def action_search(self) -> None:
        # Synchronously: keys typed right after "/" are already queued and must reach the input.
        self.set_focus(self.query_one("#search", Input))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.set_filter(self.filter.with_query(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self.query_one(VoicemailList).focus()

    def action_clear_filter(self) -> None:
        search = self.query_one("#search", Input)
        if not self.filter.active and not search.has_focus:
            return
        search.value = ""
        self.set_filter(InboxFilter())
        self.set_focus(self.query_one(VoicemailList))

    def action_toggle_unlistened_only(self) -> None:
        self.set_filter(replace(self.filter, unlistened_only=not self.filter.unlistened_only))

    def action_pick_line(self) -> None:
        from vm_tui.ui.screens.pickers import ALL_LINES, LinePicker

        def chosen(line: str | None) -> None:
            if line is not None:
                self.set_filter(replace(self.filter, line=None if line == ALL_LINES else line))

        self.app.push_screen(LinePicker(lines_of(self.service.state), self.filter.line), chosen)

    def action_next_unlistened(self) -> None:
        self._jump_to_unlistened(+1)

    def action_previous_unlistened(self) -> None:
        self._jump_to_unlistened(-1)

    def _jump_to_unlistened(self, step: int) -> None:
        vm_list = self.query_one(VoicemailList)
        found = next_unlistened(vm_list.ids, self.service.state.get, vm_list.cursor_id, step=step)
        if found is None:
            self.app.notify("No more unlistened voicemail that way.", timeout=2)
        else:
            vm_list.select(found)

    def action_mark_all_listened(self) -> None:
        from vm_tui.ui.screens.pickers import Confirm

        state = self.service.state
        targets = [
            vm_id
            for vm_id in self.query_one(VoicemailList).ids
            if (vm := state.get(vm_id)) is not None and not vm.listened
        ]
        if not targets:
            self.app.notify("Every voicemail shown is already listened.", timeout=2)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                count = self.service.mark_many(targets, True)
                self.app.notify(f"Marked {count} voicemail(s) listened.", markup=False)

        self.app.push_screen(Confirm(f"Mark {len(targets)} voicemail(s) listened?"), answer)

    def action_copy_number(self) -> None:
        vm = self.selected()
        if vm is None:
            return
        number = one_line(vm.caller, 64)
        self.app.copy_to_clipboard(number)
        self.app.notify(f"Copied {number}", timeout=2, markup=False)

    def action_add_contact(self) -> None:
        from vm_tui.ui.screens.pickers import AskText  # screens load when first opened

        vm = self.selected()
        if vm is None:
            return
        if self.contacts is None:
            self.app.notify("No address book is configured.", severity="warning")
            return
        number = one_line(vm.caller, 64)

        def named(name: str | None) -> None:
            if not name or self.contacts is None:
                return
            try:
                self.contacts.add(vm.caller, name)
            except Exception as error:  # ContactsError or OSError: say so, keep running
                self.app.notify(
                    f"Could not save the contact: {one_line(str(error), 120)}",
                    severity="error",
                    markup=False,
                )
                return
            self.query_one(VoicemailList).refresh_times()
            self.query_one("#detail").refresh_names()  # type: ignore[attr-defined]
            self.app.notify(f"Saved {one_line(name, 60)} for {number}", markup=False)

        current = self.contact_name(vm.caller) or ""
        self.app.push_screen(AskText(f"Name for {number}:", current), named)
