"""The layout mapping's fast paths give what the straightforward code gave.

- ``CompiledPath.set`` (a dotted path split once) against set_path's walk as it was written
  before paths were compiled, over every field path of every layout: same objects created, same
  value set, same (Located owner, rest of the path) answered.
- A table's spare rows (all input columns blank) picked at once against the one-by-one test.
"""

from __future__ import annotations

import datetime as dt

import pytest

from perfeval_xl.core.model import Located
from perfeval_xl.io import xlsx_read
from perfeval_xl.io.xlsx_read import CellError
from perfeval_xl.layout import paths
from perfeval_xl.layout.sheets import UNIT_SHEETS


def walked(obj, path: str, value):
    """set_path before compilation (verbatim), the reference."""
    parts = path.split(".")
    owner = None
    located, rest, tracking = obj, path, True
    for i in range(len(parts) - 1):
        part = parts[i]
        if isinstance(obj, dict):
            child = obj.get(part)
            if child is None:
                item = paths.dict_item_type(*owner) if owner else None
                child = obj[part] = item() if item else {}
        else:
            owner = (type(obj), part)
            child = getattr(obj, part)
            if child is None:
                child = paths._field_type(type(obj), part)()
                setattr(obj, part, child)
        obj = child
        if tracking:
            if isinstance(obj, Located):
                located, rest = obj, ".".join(parts[i + 1:])
            elif not isinstance(obj, dict):
                tracking = False
    if isinstance(obj, dict):
        obj[parts[-1]] = value
    else:
        setattr(obj, parts[-1], value)
    return located, rest


def layout_paths() -> list[tuple[object, list[str]]]:
    found = []
    for kind in UNIT_SHEETS:
        if kind.view is not None or kind.new() is None:
            continue
        layout = kind.layout()
        found.append((kind, [c.field for c in layout.fields()] + [t.field for t in layout.tables]))
    return found


def locate(root, owner):
    """Where ``owner`` sits under ``root`` (a path of attribute names and dict keys), to compare two trees."""
    if owner is root:
        return ()
    stack = [((), root)]
    seen = set()
    while stack:
        where, obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        children = obj.items() if isinstance(obj, dict) else vars(obj).items() if hasattr(obj, "__dict__") else ()
        for name, child in children:
            if child is owner:
                return where + (name,)
            if isinstance(child, (dict, Located)):
                stack.append((where + (name,), child))
    raise AssertionError("owner not under the root")


def test_every_layout_path_walks_as_before():
    checked = 0
    for kind, field_paths in layout_paths():
        compiled_root, reference_root = kind.new(), kind.new()
        for n, path in enumerate(field_paths):
            value = f"v{n}"
            got = paths.compiled_path(path).set(compiled_root, value)
            want = walked(reference_root, path, value)
            assert got[1] == want[1], path
            assert locate(compiled_root, got[0]) == locate(reference_root, want[0]), path
            assert paths.get_path(compiled_root, path) == value
            checked += 1
        assert compiled_root == reference_root, kind.sheet
    assert checked > 150


def test_set_path_through_dicts_and_plain_values():
    """Paths the layouts do not name: through a dict of model rows, and one into a plain dict."""
    kind = next(k for k in UNIT_SHEETS if k.sheet == "评分表")
    for path in ("rows.goal_rationality.score", "rows.new_row.points", "rows.goal_rationality.sources.x"):
        a, b = kind.new(), kind.new()
        got, want = paths.set_path(a, path, 1.5), walked(b, path, 1.5)
        assert (got[1], locate(a, got[0])) == (want[1], locate(b, want[0]))
        assert a == b


VALUES = [None, "", " ", "x", 0, 0.0, False, True, float("nan"), CellError("#DIV/0!"), CellError(""),
          dt.date(2024, 1, 1), "0"]


@pytest.mark.parametrize("cols", [(), (0,), (1, 3), (0, 2, 4)])
def test_spare_rows_picked_at_once_as_one_by_one(cols):
    typed = xlsx_read._input_columns(cols)
    for a in VALUES:
        for b in VALUES:
            for line in ([a, b, a, b, a, b], [a, b], [b] * 5 + [[1]]):
                one_by_one = not any(line[c] is not None and line[c] != "" for c in cols if c < len(line))
                assert xlsx_read._spare(line, len(line), cols, typed) == one_by_one, (line, cols)
    # an unhashable value (an xlwings caller's list) is compared one by one: a value, not a spare row
    assert xlsx_read._spare([[1], None, None], 3, (0, 1), xlsx_read._input_columns((0, 1))) is False


def read_as_before(obj, path: str):
    """get_path before compilation (verbatim), the reference."""
    for part in path.split("."):
        if obj is None:
            return None
        obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part, None)
    return obj


def test_get_path_reads_as_before():
    checked = 0
    for kind, field_paths in layout_paths():
        root = kind.new()
        for path in field_paths:  # first on the empty object (missing objects on the way), then filled
            assert paths.get_path(root, path) == read_as_before(root, path), path
        for n, path in enumerate(field_paths):
            paths.set_path(root, path, n)
        for path in field_paths + [p + ".missing" for p in field_paths[:5]] + ["missing.x", ""]:
            assert paths.get_path(root, path) == read_as_before(root, path), path
            checked += 1
    assert checked > 150
    assert paths.get_path({"a": {"b": 2}}, "a.b") == 2 and paths.get_path(None, "a") is None


def test_an_item_counts_as_filled_as_before():
    """_filled against the old test over every column of every table (a value in any column keeps the row)."""
    checked = 0
    for kind in UNIT_SHEETS:
        if kind.view is not None or kind.new() is None:
            continue
        for table in kind.layout().tables:
            fields = xlsx_read._item_fields(table)
            named = [c.field for c in table.columns if c.field]
            for name in named:
                for value in VALUES + [[1]]:
                    item = table.item_type()
                    paths.set_path(item, name, value)
                    before = any(v not in (None, "") for v in
                                 [getattr(item, c.field, None) if "." not in c.field else paths.get_path(item, c.field)
                                  for c in table.columns])
                    assert xlsx_read._filled(item, fields) == before, (table.field, name, value)
                    checked += 1
            assert xlsx_read._filled(table.item_type(), fields) is False
    assert checked > 100
