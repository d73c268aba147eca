from . import xlwings_harness  # first: sets the xlwings environment before xlwings is imported

HARNESS = xlwings_harness

from pathlib import Path

import pytest

from perfeval_xl.core.serialize import submission_from_json
from perfeval_xl.core.settings import Settings

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


def load_seed(name: str):
    return submission_from_json((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture
def settings() -> Settings:
    return Settings.default()


def values_only(obj):
    """The model as a dict without ``_sources``: compare what was read, not where."""
    from perfeval_xl.core.serialize import to_dict

    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "_sources"}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return strip(to_dict(obj))
