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
