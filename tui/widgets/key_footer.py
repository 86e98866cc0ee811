"""KeyFooter: Textual's Footer without the keys it leaks at every recompose.

The Footer recomposes its keys whenever the focused widget's bindings change, and each
`FooterKey` is data-bound to the footer's `compact`: the binding is a watcher kept on the
footer, pruned only when `compact` changes, so every key removed stays alive with all it
rendered (40 keys at each focus change or run switch). After a recompose the watchers of
removed keys are dropped, as Textual itself drops them when the value changes.
"""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    """The app's footer: Textual's, whose removed keys can be collected."""

    async def recompose(self) -> None:
        await super().recompose()
        drop_closed_watchers(self)


def drop_closed_watchers(node: Footer) -> None:
    """Forget the watchers that removed widgets left on `node` (Textual keeps them)."""
    watchers: dict[str, list[tuple[object, object]]] = getattr(node, "__watchers", {})
    for name, entries in watchers.items():
        watchers[name] = [
            (reactable, callback)
            for reactable, callback in entries
            if not getattr(reactable, "_closing", False) and getattr(reactable, "is_attached", True)
        ]
