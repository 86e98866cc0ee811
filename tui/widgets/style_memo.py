"""StyleMemo: whether a widget's cached lines were drawn in the styles it has now.

Textual calls `notify_style_update` on every focus change (the `:focus` pseudo-class), and
widgets that cache rendered lines used to drop them all then: each view switch redrew
every visible line of the view. Lines cached per pseudo-class state stay right while the
styles of that state stay the same; only a new theme or stylesheet changes them.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget


class StyleMemo:
    """The styles a widget's cached lines were drawn in, for each of its pseudo-class states."""

    def __init__(self, components: Iterable[str]) -> None:
        self._components = tuple(sorted(components))
        self._seen: dict[frozenset[str], tuple[object, ...]] = {}

    def changed(self, widget: Widget) -> bool:
        """Whether the styles differ from those of the last call in the same state (a new
        theme, say): the widget's cached lines are then stale. Call it before rendering."""
        state = frozenset(widget.get_pseudo_classes())
        try:
            styles = (
                widget.rich_style,
                *(widget.get_component_rich_style(name, partial=True) for name in self._components),
            )
        except KeyError:  # not styled yet (just mounted): nothing drawn can be trusted
            self._seen = {}
            return True
        seen = self._seen.get(state)
        if seen == styles:
            return False
        if seen is None:
            self._seen[state] = styles
            return False
        self._seen = {state: styles}
        return True
