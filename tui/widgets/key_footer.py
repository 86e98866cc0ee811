"""KeyFooter: Textual's Footer, updated in place when the keys shown change.

Textual's Footer recomposes from scratch whenever the focused widget's bindings change:
every view switch removed and mounted some 20 keys, each styled, laid out and painted
anew (a third of a switch's CPU). This footer keeps its `FooterKey` widgets and changes
the text of those whose key differs, adding or removing only the difference. Keys are not
data-bound to `compact` (the footer's stays as built): Textual keeps a bound key's
watcher on the footer after the key is removed, with all it rendered.
"""

from __future__ import annotations

from collections.abc import Awaitable

from msgspec import Struct
from textual.await_complete import AwaitComplete
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class ShownKey(Struct, frozen=True):
    """What one key in the footer shows, and does when clicked."""

    key: str
    display: str
    description: str
    action: str
    enabled: bool
    tooltip: str


class KeyFooter(Footer):
    """The app's footer: its keys change in place, so a view switch costs a few repaints."""

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        #: what each of our FooterKey children shows, in order (the palette's key apart)
        self._shown: list[ShownKey] = []
        #: the command palette's key, docked right, as Textual's Footer shows it
        self._palette_key: FooterKey | None = None
        self._palette_shown: ShownKey | None = None

    def shown_keys(self) -> list[ShownKey] | None:
        """The keys to show now, as Footer.compose would; None when a binding group asks
        for Textual's own layout (none of ours does)."""
        keys: list[ShownKey] = []
        actions: set[str] = set()
        for _ns, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show:
                continue
            if binding.group is not None:
                return None
            if binding.action in actions:  # Footer shows one key per action
                continue
            actions.add(binding.action)
            keys.append(
                ShownKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    enabled,
                    tooltip,
                )
            )
        return keys

    def palette_key(self) -> ShownKey | None:
        """The command palette's key, when the app has a palette (as Footer.compose)."""
        app = self.app
        if not (self.show_command_palette and app.ENABLE_COMMAND_PALETTE):
            return None
        try:
            _ns, binding, enabled, _tooltip = self.screen.active_bindings[
                app.COMMAND_PALETTE_BINDING
            ]
        except KeyError:
            return None
        tooltip = binding.tooltip or binding.description
        return ShownKey(
            binding.key,
            app.get_key_display(binding),
            binding.description,
            binding.action,
            enabled,
            tooltip,
        )

    async def recompose(self) -> None:
        if not self.is_attached or not self._bindings_ready:
            return
        if self.shown_keys() is None:
            self._shown, self._palette_key, self._palette_shown = [], None, None
            await super().recompose()
            return
        await self.show_keys()

    def show_keys(self) -> AwaitComplete:
        """Show the keys of the focused widget now, in this refresh (a view switch calls
        it: one layout for the view and the footer, not a second pass for the keys)."""
        wanted = self.shown_keys()
        palette = self.palette_key()
        if wanted is None or not self.is_attached:
            return AwaitComplete.nothing()
        if wanted == self._shown and palette == self._palette_shown:
            return AwaitComplete.nothing()
        present = [child for child in self.children if child is not self._palette_key]
        pending: list[Awaitable[object]] = []
        if any(type(child) is not FooterKey for child in present):  # after a grouped layout
            pending.append(self.remove_children())
            present, self._shown = [], []
            self._palette_key = self._palette_shown = None
        if palette != self._palette_shown:
            pending.extend(self._show_palette(palette))
        for widget, old, new in zip(present, self._shown, wanted, strict=False):
            if old != new:
                _show_key(widget, new)
        if len(present) > len(wanted):
            pending.append(self.remove_children(present[len(wanted) :]))
        elif len(wanted) > len(present):
            pending.append(self.mount_all(self._new_key(shown) for shown in wanted[len(present) :]))
        self._shown = list(wanted)
        return AwaitComplete(*pending)

    def _show_palette(self, shown: ShownKey | None) -> list[Awaitable[object]]:
        """Show, change or remove the palette's key."""
        key, self._palette_shown = self._palette_key, shown
        if shown is None:
            self._palette_key = None
            return [key.remove()] if key is not None else []
        if key is not None:
            _show_key(key, shown)
            return []
        key = self._palette_key = self._new_key(shown, "-command-palette")
        return [self.mount(key)]

    def _new_key(self, shown: ShownKey, *classes: str) -> FooterKey:
        # The class given to the constructor: set_class on a key not yet mounted restyles it
        # at once, and again when it mounts.
        key = FooterKey(
            shown.key,
            shown.display,
            shown.description,
            shown.action,
            disabled=not shown.enabled,
            tooltip=shown.tooltip,
            classes=" ".join((*classes, "-compact") if self.compact else classes),
        )
        key.set_reactive(FooterKey.compact, self.compact)
        return key


def _show_key(widget: object, shown: ShownKey) -> None:
    """Make an existing FooterKey show `shown` (what its constructor would have set)."""
    assert isinstance(widget, FooterKey)
    widget.key = shown.key
    widget.key_display = shown.display
    widget.description = shown.description
    widget.action = shown.action
    widget._disabled = not shown.enabled
    widget.set_class(not shown.enabled, "-disabled")
    widget.tooltip = shown.tooltip or None
    widget.refresh(layout=True)
