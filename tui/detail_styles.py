"""The detail pane's secondary text (field names, notes, rules), in the theme's colours.

The builders of the pane's content (detail.py, host_detail.py, detail_source.py) are plain
functions of a node; they used `dim`, which a dark background turns into a grey too dark
to read. They use these styles instead, which the pane sets from its component classes
(`$text-muted`, made for text on the theme's background) whenever its styles change.
"""

from __future__ import annotations

from rich.style import Style


class SecondaryStyles:
    """What the builders style secondary text with; `DetailPane` keeps it in step with the
    theme. Until a pane is styled (or with no app, as in `dump`), Rich's `dim`."""

    def __init__(self) -> None:
        #: field names, event kinds, counts beside a value
        self.key = Style(dim=True)
        #: notes about what is (not) shown: "censored", "loading…", where a file was looked for
        self.note = Style(dim=True, italic=True)
        #: the lines of section rules
        self.rule = Style(dim=True)

    def set(self, *, key: Style, note: Style, rule: Style) -> bool:
        """Use these styles from now on; whether they differ from the ones in use."""
        changed = (key, note, rule) != (self.key, self.note, self.rule)
        self.key, self.note, self.rule = key, note, rule
        return changed


#: the styles in use (one theme per process: the app's)
SECONDARY = SecondaryStyles()
