"""The settings as the app applies them: theme, keys and the detail pane's place when it
mounts, and the theme written back when the user picks another (the file: settings.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from .settings import Settings, load_settings, save_theme, settings_path
from .theme import apply_theme
from .value_text import set_time_format

if TYPE_CHECKING:
    from .app import JobEventsApp


class AppSettings:
    """The user's settings, the theme the app started with, and what was wrong with them."""

    def __init__(self, app: JobEventsApp, settings: Settings | None, theme: str | None) -> None:
        self.app = app
        #: the settings file's (read now unless given); a bad file is said once mounted
        self.error: str | None = None
        if settings is None:
            settings, self.error = load_settings()
        self.settings = settings
        #: `--theme`, over the settings' theme
        self.start_theme = theme or settings.theme
        set_time_format(settings.time_format, settings.time_zone)

    def apply(self) -> None:
        """Theme, keys and the detail pane's place from the settings (and `--theme`)."""
        app, settings = self.app, self.settings
        problems = [self.error] if self.error else []
        name = self.start_theme
        if name is not None:
            if name in app.available_themes:
                app.theme = name
            else:
                problems.append(f"theme: {name!r} is not a theme; using {app.theme}")
        apply_theme(app.get_css_variables())
        app.theme_changed_signal.subscribe(app, self._theme_changed)
        if settings.keys:
            unknown = sorted(set(settings.keys) - binding_ids(app))
            if unknown:
                problems.append(
                    f"{settings_path()}: keys.{unknown[0]}: no binding has this id "
                    "(see the README's key table)"
                )
            app.set_keymap({k: v for k, v in settings.keys.items() if k not in unknown})
        side = settings.detail_side
        app.screen.set_class(side == "bottom", "-detail-bottom")
        app.screen.set_class(side == "left", "-detail-left")
        self.place_detail(narrow=app.screen.has_class("-narrow"))
        for problem in problems:
            app.notify(problem, title="Settings", severity="error", timeout=10, markup=False)

    def place_detail(self, *, narrow: bool) -> None:
        """Size the detail pane: its share of the width beside the views, or of the height
        under them (as the settings say, or because the terminal is narrow). Inline styles
        beat the stylesheet's narrow rules, so both cases are set here."""
        app = self.app
        share = f"{self.settings.detail_width}%"
        styles = app.detail.styles
        if narrow or self.settings.detail_side == "bottom":
            styles.width, styles.height = "100%", share
        else:
            styles.width, styles.height = share, "100%"
        # On the left it comes first; under the views (narrow), last.
        first = self.settings.detail_side == "left" and not narrow
        children = app.main.children
        if first and children[0] is not app.detail:
            app.main.move_child(app.detail, before=children[0])
        elif not first and children[-1] is not app.detail:
            app.main.move_child(app.detail, after=children[-1])

    def _theme_changed(self, _theme: object) -> None:
        """Paint every status in the new theme's colours, and remember the theme."""
        app = self.app
        apply_theme(app.get_css_variables())
        app.restyle()
        if app.theme != self.start_theme:
            self.start_theme = app.theme
            try:
                save_theme(app.theme)
            except OSError as exc:
                app.notify(f"Cannot save the theme: {exc}", title="Settings", markup=False)


def binding_ids(app: App[object]) -> set[str]:
    """The ids of every binding of the app and its views (what `[keys]` may remap)."""
    from .views import VIEW_IDS, view_type
    from .widgets.timeline_chart import TimelineChart

    ids: set[str] = set()
    for owner in (type(app), *map(view_type, VIEW_IDS), TimelineChart):
        for cls in owner.__mro__:
            for binding in getattr(cls, "BINDINGS", ()):
                if isinstance(binding, Binding) and binding.id:
                    ids.add(binding.id)
    return ids
