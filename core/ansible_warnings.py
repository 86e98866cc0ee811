"""Which messages of a run are warnings and deprecations that Ansible printed.

Runner writes them as `warning`/`deprecated`/`system_warning` events when it knows the
context, and as plain `verbose` events otherwise: a module's warning arrives as a
`verbose` event whose text starts with `[WARNING]:` (so do deprecations, with
`[DEPRECATION WARNING]:`). The tree keeps each as a message node named by its event type,
with the first line of its text as `detail`; the rule reads those.
"""

from __future__ import annotations

from typing import Final

from .nodes import Node

#: Event types that are warnings whatever their text.
WARNING_EVENTS: Final = frozenset({"warning", "deprecated", "system_warning"})
#: How Ansible's display starts a warning or a deprecation printed as plain output.
WARNING_PREFIXES: Final = ("[WARNING]", "[DEPRECATION WARNING]")


def is_warning(kind: str, text: str | None) -> bool:
    """Whether a message of event type `kind` and first line `text` is a warning."""
    if kind in WARNING_EVENTS:
        return True
    return kind == "verbose" and text is not None and text.startswith(WARNING_PREFIXES)


def is_warning_node(node: Node) -> bool:
    """Whether `node` is a message node holding a warning or a deprecation."""
    return node.kind == "message" and is_warning(node.name, node.detail)
