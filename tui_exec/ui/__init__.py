"""The Textual explorer: panes that render a core Analysis and share one selection."""
