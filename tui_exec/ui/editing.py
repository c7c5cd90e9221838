"""Editing the program in the source pane: every edit re-analysed, saved on ctrl+s.

Learners understand a pipeline by changing its input and watching each stage change. The
editor (F2) replaces the read-only source view; each pause in typing starts a new
analysis in the worker, and every pane follows it. While the text does not compile, the AST
and bytecode panes keep the last text that did, dimmed and titled "out of date".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.timer import Timer
from textual.widgets import TextArea

from ..core import Analysis
from .commands import Command
from .feature import Feature
from .panes.editor import Editor, editor_theme
from .stage_panel import StagePanel

# After the last key, how long the text must rest before it is analysed again: half as long as
# an analysis takes, within these bounds. Shorter, a big file would be analysed for every key
# of a word, each analysis taking the GIL from the typing; longer, the panes lag behind.
EDIT_PAUSE = (0.04, 0.12)

EDIT_COMMANDS = (
    Command(
        "app.edit",
        "f2",
        "toggle_edit",
        "Edit",
        "Edit the program in the source pane (there ctrl+g goes to a line, F1 is help); "
        "again to go back to reading it",
        "file: edit",
        footer=True,
        priority=True,  # also from inside the editor, which binds most control keys
        feature="editing",
    ),
    Command(
        "app.save",
        "ctrl+s",
        "save",
        "Save",
        "Save the edited program (asks for a path when it has none)",
        "file: save",
        priority=True,
        feature="editing",
    ),
)


class EditMode(Feature):
    """Turns the source pane into an editor and back; keeps the edits until saved."""

    NAME = "editing"
    COMMANDS = EDIT_COMMANDS
    editor: Editor | None = None
    """The editor, once edit mode was first entered."""
    open_in_editor = False
    """Start in the editor (a scratch program) once the first analysis is shown."""
    _edit_timer: Timer | None = None
    _saved: bytes | None = None
    """The program's bytes as last read or saved: text that comes back to them (undo) is no
    longer an unsaved edit."""
    _editor_analysed = False
    """The analysis on screen is of the editor's text as it is now (positions in it match)."""

    @property
    def editing(self) -> bool:
        """Whether the source pane is the editor now."""
        return self.host.panels["source"].has_class("-editing")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return self.editor is not None
        return True

    # -- edit mode -------------------------------------------------------------------------------

    def action_toggle_edit(self) -> None:
        """F2: edit the program in the source pane, or go back to reading it."""
        panel = self.host.panels["source"]
        if self.editing:
            self._leave_editor(panel)
            return
        analysis = self.program.analysis
        if analysis is None:
            self.notify("Still analysing: edit mode opens when the analysis is done.")
            return
        if analysis.pyc is not None:
            self.notify("A .pyc holds no source to edit (o opens its source, if it is here).")
            return
        if analysis.error_in("decode") is not None:
            self.notify(
                "This file cannot be decoded, so it cannot be edited here: "
                "fix its encoding first (see the error).",
                severity="error",
            )
            return
        editor = self.editor
        if editor is None:
            editor = self.editor = Editor(analysis.source.text, id="source-editor")
            self._saved = self.program.data
            panel.mount(editor)
            self._style_editor(editor)
        source = self.host.source_pane
        panel.add_class("-editing")
        editor.show_tokens(analysis)
        self._editor_analysed = self._encode(editor.text) == self.program.data
        editor.move_cursor((source.cursor_line - 1, source.cursor_col))
        self.screen.set_focus(editor)
        self.host.retitle()

    def line_count(self) -> int | None:
        if self.editing and self.editor is not None:
            return self.editor.document.line_count
        return None

    def go_to_line(self, line: int, col: int | None) -> bool:
        editor = self.editor
        if editor is None or not self.editing:
            return False
        row = max(0, min(line - 1, editor.document.line_count - 1))
        text = editor.document.get_line(row)
        if col is None:  # where its code starts, as in the source pane
            col = len(text) - len(text.lstrip())
        editor.move_cursor((row, max(0, min(col, len(text)))))
        self.screen.set_focus(editor)
        return True

    def _leave_editor(self, panel: StagePanel) -> None:
        editor = self.editor
        assert editor is not None
        self._analyse_now()
        panel.remove_class("-editing")
        row, col = editor.cursor_location
        self.host.source_pane.go_to_line(row + 1, col)
        self.screen.set_focus(self.host.source_pane)
        self.host.retitle()

    def _style_editor(self, editor: Editor) -> None:
        source = self.host.source_pane
        names = ("keyword", "string", "number", "comment", "operator", "error")
        styles = {
            name: source.component_style(f"source-pane--{name}", text_only=name != "error")
            for name in names
        }
        theme = editor_theme(
            styles, source.base_style, source.component_style("source-pane--gutter")
        )
        editor.register_theme(theme)
        editor.theme = theme.name

    def cursor_moved(self, text_area: TextArea) -> None:
        """The cursor moved in ``text_area`` (the app passes on what the editor says)."""
        if text_area is self.editor and self.editing:
            self._select_at_editor_cursor()

    def _select_at_editor_cursor(self) -> None:
        """The editor is a pane like the others: its cursor is the selection every pane and
        the status line show (once the analysis is of the text as it is: until then the
        positions would point into the old text)."""
        editor = self.editor
        if editor is None or not self._editor_analysed:
            return
        row, col = editor.cursor_location
        # The source pane keeps the point too: a new analysis selects where it is.
        self.host.source_pane.move_point(row + 1, col, user=False)
        self.host.select(
            "source", (self.host.source_pane.cursor_line, self.host.source_pane.cursor_col)
        )

    def text_changed(self, text_area: TextArea) -> None:
        """The text of ``text_area`` changed (the app passes on what the editor says)."""
        if text_area is not self.editor:
            return
        self._editor_analysed = False
        if not self.program.unsaved:  # once: a retitle on every key made each key cost a frame more
            self.program.unsaved = True
            self.host.panels["source"].add_class("-unsaved")
            self.host.retitle()
        if self._edit_timer is not None:
            self._edit_timer.stop()
        low, high = EDIT_PAUSE
        pause = min(max(self.host.analysis_seconds / 2, low), high)
        self._edit_timer = self.set_timer(pause, self._analyse_now, name="edit-pause")

    def _analyse_now(self) -> None:
        """Analyse the editor's text, if it changed since the last analysis."""
        if self._edit_timer is not None:
            self._edit_timer.stop()
            self._edit_timer = None
        editor = self.editor
        if editor is None:
            return
        data = self._encode(editor.text)
        if self.program.unsaved and data == self._saved:  # undone back to the file's text
            self._mark_saved()
        if data != self.program.data:
            self.host.start_analysis(data, reloaded=True)

    def _mark_saved(self) -> None:
        self.program.unsaved = False
        self.host.panels["source"].remove_class("-unsaved")
        self.host.retitle()

    def _encode(self, text: str) -> bytes:
        """The text as the file would hold it: its encoding (UTF-8 when it cannot say), and
        its byte order mark if it had one."""
        analysis = self.program.analysis
        encoding = analysis.source.encoding if analysis is not None else "utf-8"
        bom = b"\xef\xbb\xbf" if analysis is not None and analysis.source.has_bom else b""
        try:
            return bom + text.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            # The analysis then says which character the declared encoding cannot hold.
            return bom + text.encode("utf-8")

    def analysis_changed(self, analysis: Analysis, *, reloaded: bool) -> None:
        if self.open_in_editor:
            self.open_in_editor = False
            self.call_after_refresh(self.action_toggle_edit)
        editor = self.editor
        self._editor_analysed = (
            editor is not None and self._encode(editor.text) == self.program.data
        )
        if editor is not None and self._editor_analysed:
            editor.show_tokens(analysis)
            if self.editing:  # the new analysis is selected where the editor's cursor is
                row, col = editor.cursor_location
                self.host.source_pane.move_point(row + 1, col, user=False)

    def keeps_last_good(self, panel: StagePanel, analysis: Analysis) -> bool:
        # While editing, a pane the new text leaves empty keeps the last text that filled it.
        return (
            self.editing
            and panel.spec.name != "source"
            and (panel.has_class("-stale") or not panel.has_class("-message"))
            and panel.stage.stage_message(analysis) is not None
        )

    # -- saving ----------------------------------------------------------------------------------

    def action_save(self) -> None:
        """ctrl+s: write the edited text to the file (asking for a path when there is none)."""
        if self.editor is None:
            return
        if not self.program.policy.may_save:
            self.notify(self.program.policy.refusal("saving"), severity="warning", timeout=8)
            return
        if self.program.path is None:
            self._ask_path()
            return
        self._write(self.program.path)

    def _ask_path(self, then: Callable[[], None] | None = None, prompt: str = "Save as") -> None:
        """Ask where to save; save there (asking before replacing a file), then ``then``."""
        self.host.ask(
            prompt, lambda path: self._save_as(path, then), placeholder="a path, e.g. program.py"
        )

    def _save_as(self, path: str | None, then: Callable[[], None] | None = None) -> None:
        if not path:
            return
        target = Path(path)
        if target.is_file() and (self.program.path is None or not _same(target, self.program.path)):

            def answer(text: str | None) -> None:
                choice = (text or "").strip().lower()
                if choice.startswith("y"):
                    self._save_to(path, then)
                elif choice.startswith("n"):
                    self._ask_path(then)

            self.host.ask(
                f"{path} exists: replace it? (y replaces it, n asks for another path, "
                "Esc keeps editing)",
                answer,
            )
            return
        self._save_to(path, then)

    def _save_to(self, path: str, then: Callable[[], None] | None) -> None:
        if self._write(path) and then is not None:
            then()

    def _write(self, path: str) -> bool:
        """Save to ``path``; say what happened."""
        assert self.editor is not None
        if not self.program.policy.may_save:
            self.notify(self.program.policy.refusal("saving"), severity="warning", timeout=8)
            return False
        data = self._encode(self.editor.text)
        try:
            Path(path).write_bytes(data)
        except OSError as exc:
            self.notify(f"Could not save {path}: {exc.strerror or exc}", severity="error")
            return False
        renamed = path != self.program.path
        self.program.path = self.program.name = path
        self.program.note_file_read()  # our own write is not a change to reload
        self._saved = data
        self.program.unsaved = False
        self.host.panels["source"].remove_class("-unsaved")
        if renamed:
            self.host.start_analysis(data, reloaded=True)  # under its new name
        else:
            self._analyse_now()
        self.host.retitle()
        self.notify(f"Saved {path}", timeout=3)
        return True

    # -- keeping edits -----------------------------------------------------------------------

    def file_reloaded(self) -> None:
        """The file was read again from disk: an editor with no unsaved edits follows it."""
        if self.editor is not None:
            self.call_after_refresh(self._editor_follows_file)

    def _editor_follows_file(self) -> None:
        if (
            self.editor is not None
            and self.program.analysis is not None
            and not self.program.unsaved
        ):
            self.editor.load_text(self.program.analysis.source.text)
            self._saved = self.program.data
            self.program.unsaved = False

    def ask_before_quitting(self, quit_now: Callable[[], None]) -> None:
        """Unsaved edits: ask whether to save them before calling ``quit_now``."""

        def answer(text: str | None) -> None:
            choice = (text or "").strip().lower()
            if choice.startswith("y"):
                if self.program.path is None:  # a scratch program: where to, then quit
                    self._ask_path(quit_now, prompt="Save as (then quit)")
                elif self._write(self.program.path):
                    quit_now()
            elif choice.startswith("n"):
                quit_now()

        if not self.program.policy.may_save:  # served: the edits cannot be kept anyway
            self.host.ask(
                "Unsaved edits: this served session cannot save them. Quit and lose them? "
                "(y quits, Esc stays)",
                lambda text: quit_now() if (text or "").strip().lower().startswith("y") else None,
            )
            return
        if self.program.path is None:
            choices = "y asks for a path, saves and quits; n quits without saving; Esc stays"
        else:
            choices = "y saves and quits, n quits without saving, Esc stays"
        self.host.ask(f"Unsaved edits: save them first? ({choices})", answer)


def _same(path: Path, other: str) -> bool:
    """Whether ``path`` is the file ``other`` names (the program's own file is no surprise)."""
    try:
        return path.samefile(other)
    except OSError:
        return False
