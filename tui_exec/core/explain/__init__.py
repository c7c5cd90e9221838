"""Plain-language explanations of what each stage shows, written for tui-exec."""
