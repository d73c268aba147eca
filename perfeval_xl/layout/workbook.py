"""Which sheets a workbook has, which model object each shows, and how to build their layouts.

A ``SheetKind`` binds a layout factory to the model: ``get`` picks the object to write from a
Submission, ``attach`` puts a freshly read object back. The writer, the reader and the docs all
walk the same list of kinds, so a sheet is declared once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable

from ..core.model import Submission
from ..core.settings import Settings
from .grid import Layout

TEMPLATE_VERSION = "2026.1"
# Versions a reader still understands; anything else is reported by the roll-up.
KNOWN_VERSIONS = (TEMPLATE_VERSION,)


@dataclass
class SheetKind:
    key: str
    sheet: str  # sheet name (for repeated kinds: the name of the first one)
    factory: Callable[[str, dict[str, int], Settings], Layout]
    get: Callable[[Submission], Any]  # object (or, for repeated kinds, list of objects) to write
    attach: Callable[[Submission, Any], None]
    new: Callable[[], Any]
    title: str  # text of A1, by which a reader recognises the sheet
    repeated: bool = False  # one sheet per item (projects)
    always: bool = False  # attached even when empty (the cover carries the version stamp)
    capacities: dict[str, int] = field(default_factory=dict)  # table field → default rows
    # A view (项目清单): laid out from the planned layouts of the workbook's other sheets, after
    # them; it has no input of its own, so the reader skips it.
    view: Callable[[str, list[Layout], Settings], Layout] | None = None
    # Whether the sheet belongs to the printout of a filled workbook, given the submission and the
    # object written (None: the sheet is printed when it shows something). Unprinted sheets stay in
    # the file for the clerk; a template prints every sheet.
    printed: Callable[[Submission, Any], bool] | None = None
    # The layouts built, by (sheet, capacities, settings text): kept with the kind.
    built: dict[tuple, Layout] = field(default_factory=dict, compare=False, repr=False)

    def prints(self, sub: Submission | None, obj: Any) -> bool:
        if sub is None or self.always:
            return True
        if self.printed is not None:
            return self.printed(sub, obj)
        return obj is not None

    def layout(self, sheet: str | None = None, capacities: dict[str, int] | None = None,
               settings: Settings | None = None) -> Layout:
        sheet = sheet or self.sheet
        capacities = {**self.capacities, **(capacities or {})}
        # Readers lay out the same sheets for every file of a roll-up, under the run's settings:
        # build each shape once per settings (by their text, not by object identity). Layouts are
        # never changed after they are built, so sharing them is safe.
        settings = settings or _default_settings()
        key = (sheet, tuple(sorted(capacities.items())), settings.text())
        cache = self.built
        if key not in cache:
            if len(cache) > 512:  # clerks' inserted rows make many shapes: keep memory bounded
                cache.clear()
            cache[key] = self.factory(sheet, capacities, settings)
        return cache[key]


@functools.cache
def _default_settings() -> Settings:
    return Settings.default()
