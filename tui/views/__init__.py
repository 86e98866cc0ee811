"""The views of a run: each a widget module, all fed the same frame of changes.

The app owns the header, the footer and the detail pane, and switches between views;
a view shows the run one way (tasks, hosts, log, timeline) and answers the few questions
in `base.RunView`. `VIEWS` is the order of the number keys.
"""
