"""The Textual apps, one package each: kiosk, counter, display, coordinator.

Each package exports `build_app(settings, *, db=None, **options)`, the one factory the CLI and
the tests use, and keeps its styles in one `.tcss` file beside it.
"""
