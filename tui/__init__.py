"""jobevents.tui: the Textual app that shows a run live."""
