"""The roll-up's one error type (its own module, so that the archive can raise it without importing the engine)."""

from __future__ import annotations


class RollupError(Exception):
    """The roll-up cannot start or cannot write its output; ``str(err)`` is the Chinese message."""
