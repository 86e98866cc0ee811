"""The user's settings: a small TOML file in the platform's config directory.

    theme = "nord"              # any Textual theme; the one last chosen is written here
    follow = true               # follow the newest activity on start

    [detail]
    side = "right"              # right, left or bottom
    width = 40                  # percent of the screen (of its height when at the bottom)

    [time]
    format = "absolute"         # absolute or relative ("3m05s ago")
    zone = "event"              # event (as recorded), local or utc

    [keys]                      # Textual binding ids -> keys, as posting does
    copy = "y,ctrl+y"

A bad file or value is one line naming the key and the file; the app starts on defaults.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import platformdirs
from msgspec import Struct

#: set it to keep the settings somewhere else (the tests point it at a temporary dir)
CONFIG_DIR_ENV = "JOBEVENTS_TUI_CONFIG_DIR"
FILE_NAME = "settings.toml"

DETAIL_SIDES = ("right", "left", "bottom")
TIME_FORMATS = ("absolute", "relative")
TIME_ZONES = ("event", "local", "utc")
_KEY = re.compile(r"^[\w+\-]+(,[\w+\-]+)*$")


def config_dir() -> Path:
    """Where the settings live: `$JOBEVENTS_TUI_CONFIG_DIR`, else the platform's config dir."""
    given = os.environ.get(CONFIG_DIR_ENV)
    return Path(given) if given else platformdirs.user_config_path("jobevents-tui")


def settings_path() -> Path:
    return config_dir() / FILE_NAME


class Settings(Struct, frozen=True):
    """What the settings file can say; the defaults are the app's own behaviour."""

    theme: str | None = None
    follow: bool = True
    detail_side: str = "right"
    detail_width: int = 40
    time_format: str = "absolute"
    time_zone: str = "event"
    #: binding id -> keys ("y,ctrl+y"), handed to `App.set_keymap`
    keys: dict[str, str] = {}


class SettingsError(ValueError):
    """A settings file that cannot be used: says which key, in which file, and why."""


def load_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """The settings in `path` (the default file when None), and a one-line error when the
    file is bad (then the defaults are returned). A missing file is the defaults."""
    path = path or settings_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), None
    except OSError as exc:
        return Settings(), f"{path}: cannot read it ({exc.strerror}); using the defaults"
    import tomllib  # only when there is a file to read

    try:
        return parse_settings(tomllib.loads(raw)), None
    except tomllib.TOMLDecodeError as exc:
        return Settings(), f"{path}: not TOML ({exc}); using the defaults"
    except SettingsError as exc:
        return Settings(), f"{path}: {exc}; using the defaults"


def parse_settings(data: dict[str, Any]) -> Settings:
    """Check every key and value; raise `SettingsError` naming the first bad one."""
    known = {"theme", "follow", "detail", "time", "keys"}
    _no_unknown(data, known, "")
    theme = _typed(data, "theme", str, None)
    follow = _typed(data, "follow", bool, True)
    detail = _table(data, "detail")
    _no_unknown(detail, {"side", "width"}, "detail.")
    side = _choice(detail, "side", DETAIL_SIDES, "detail.")
    width = _typed(detail, "width", int, 40, "detail.")
    if not 10 <= width <= 90:
        raise SettingsError(f"detail.width: {width} is not between 10 and 90 (percent)")
    times = _table(data, "time")
    _no_unknown(times, {"format", "zone"}, "time.")
    keys = _table(data, "keys")
    for binding_id, value in keys.items():
        if not isinstance(value, str) or not _KEY.match(value.replace(" ", "")):
            raise SettingsError(f'keys.{binding_id}: {value!r} is not keys like "y" or "ctrl+y,f5"')
    return Settings(
        theme=theme,
        follow=follow,
        detail_side=side or "right",
        detail_width=width,
        time_format=_choice(times, "format", TIME_FORMATS, "time.") or "absolute",
        time_zone=_choice(times, "zone", TIME_ZONES, "time.") or "event",
        keys={k: str(v).replace(" ", "") for k, v in keys.items()},
    )


def _no_unknown(data: dict[str, Any], known: set[str], prefix: str) -> None:
    for key in data:
        if key not in known:
            raise SettingsError(
                f"{prefix}{key}: unknown setting (known: {', '.join(sorted(known))})"
            )


def _typed(data: dict[str, Any], key: str, kind: type, default: Any, prefix: str = "") -> Any:
    if key not in data:
        return default
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SettingsError(f"{prefix}{key}: {value!r} is not a {kind.__name__}")
    return value


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise SettingsError(f"{key}: should be a table ([{key}])")
    return value


def _choice(data: dict[str, Any], key: str, choices: tuple[str, ...], prefix: str) -> str | None:
    value = _typed(data, key, str, None, prefix)
    if value is not None and value not in choices:
        raise SettingsError(f"{prefix}{key}: {value!r} is not one of {', '.join(choices)}")
    return value  # type: ignore[no-any-return]


def save_theme(theme: str, path: Path | None = None) -> None:
    """Remember the theme: rewrite the file's top-level `theme = ...` line (or add one at
    the top), keeping the rest of the file, comments included, as the user wrote it."""
    path = path or settings_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    line = f"theme = {_toml_string(theme)}"
    lines = text.splitlines()
    for number, current in enumerate(lines):
        stripped = current.strip()
        if stripped.startswith("["):
            break  # past the top level: tables follow
        if re.match(r"^theme\s*=", stripped):
            lines[number] = line
            break
    if line not in lines:
        lines.insert(0, line)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
