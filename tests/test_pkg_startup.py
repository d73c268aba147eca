"""Start-up: `--help` and `validate` import only what they use (benchmarks/startup.py times it)."""

import subprocess
import sys

import pytest
from openpyxl.utils import get_column_letter as openpyxl_letter

from perfeval_xl.layout.columns import MAX_COLUMN, get_column_letter
from tests.conftest import ROOT

YANGHU = ROOT / "examples/报送/岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx"

# Run a command in a fresh interpreter, then list the third-party packages it loaded.
PROBE = """
import sys
from perfeval_xl.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
third_party = {m.split(".")[0] for m in sys.modules} - set(sys.stdlib_module_names)
print(" ".join(sorted(m for m in third_party if not m.startswith(("__editable__", "_distutils_hack", "__main__")))))
"""


def _loaded_by(*argv) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *map(str, argv)], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT)
    return done.stdout.strip().splitlines()[-1].split()


def test_column_letters_match_openpyxl_for_every_column():
    assert [get_column_letter(i) for i in range(1, MAX_COLUMN + 1)] == [openpyxl_letter(i) for i in range(1, MAX_COLUMN + 1)]
    for bad in (0, MAX_COLUMN + 1):
        with pytest.raises(ValueError):
            get_column_letter(bad)


def test_help_loads_no_third_party_package():
    assert _loaded_by("--help") == ["perfeval_xl"]


def test_validate_loads_only_the_reader():
    assert _loaded_by("validate", YANGHU) == ["perfeval_xl", "python_calamine"]
