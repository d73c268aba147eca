"""The other buttons: 填入建议得分 and 新增项目表, against the same ``xw.Book`` subset as 校验."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.scoring import score_table
from ..core.settings import Settings
from ..io.xlsx_read import Grid, fit_layout, read_sheets
from ..layout.grid import INPUT
from ..layout.project import PROJECT_TITLE
from ..layout.sheets import PROJECT
from .validate_book import cell_rc, cell_ref, read_book


@dataclass
class Filled:
    filled: dict[str, list[str]] = field(default_factory=dict)  # sheet → cells written
    no_suggestion: int = 0  # empty 得分 cells the core could not suggest a score for

    @property
    def summary(self) -> str:
        n = sum(len(v) for v in self.filled.values())
        where = "，".join(f"{s} {len(v)} 个" for s, v in self.filled.items())
        text = f"已填入 {n} 个建议得分（{where}）" if n else "没有需要填入的得分"
        if self.no_suggestion:
            text += f"；{self.no_suggestion} 个指标无法给出建议得分，请手工评分（理由见校验结果或 PE_SCORE_EXPLAIN）"
        return text + "。已填的得分未作改动。"


def _runs(cells: dict[tuple[int, int], Any]) -> list[tuple[int, int, list[Any]]]:
    """Contiguous vertical runs: (first row, column, values)."""
    runs: list[tuple[int, int, list[Any]]] = []
    for (row, col) in sorted(cells, key=lambda rc: (rc[1], rc[0])):
        if runs and runs[-1][1] == col and runs[-1][0] + len(runs[-1][2]) == row:
            runs[-1][2].append(cells[(row, col)])
        else:
            runs.append((row, col, [cells[(row, col)]]))
    return runs


def fill_scores(book, settings: Settings | None = None) -> Filled:
    """Write the suggested score into every empty 得分 cell of the indicator tables.

    A cell that holds anything (a typed score, even text) is never written; one write per run of
    adjacent empty cells.
    """
    settings = settings or Settings.default()
    sheets = read_book(book)
    sub = read_sheets(sheets).submission
    grids = {name: Grid(rows) for name, rows in sheets.items()}
    out = Filled()
    writes: dict[str, dict[tuple[int, int], float]] = {}
    tables = list(sub.projects) + ([sub.department] if sub.department else [])
    for table in tables:
        for r in score_table(table, settings).indicators:
            src = r.indicator.source("score")
            if src is None or src.sheet not in grids or r.indicator.score is not None:
                continue
            rc = cell_rc(src.cell)
            if grids[src.sheet].value(*rc) not in (None, ""):
                continue  # text in the score cell: the clerk's, and reported by 校验
            if r.score.value is None:
                out.no_suggestion += 1
                continue
            writes.setdefault(src.sheet, {})[rc] = r.score.value
    for sheet, cells in writes.items():
        for row, col, values in _runs(cells):
            book.sheets[sheet].range((row, col)).value = [[v] for v in values]
        out.filled[sheet] = [cell_ref(rc) for rc in sorted(cells, key=lambda rc: (rc[1], rc[0]))]
    return out


def project_sheets(sheets: dict[str, list[list[Any]]]) -> list[str]:
    return [name for name, rows in sheets.items() if Grid(rows).value(1, 1) == PROJECT_TITLE]


def next_project_name(existing: list[str], all_names: set[str]) -> str:
    n = len(existing) + 1
    while f"项目{n}" in all_names:
        n += 1
    return f"项目{n}"


def new_project_sheet(book) -> str:
    """Copy the last 项目支出绩效自评表 after itself as 项目N, with its typed contents cleared.

    Formulas, dropdowns and sheet-scoped defined names come with the copy (Excel copies a sheet's
    own names with it); only input cells are written, one write per run of them.
    """
    sheets = read_book(book)
    projects = project_sheets(sheets)
    if not projects:
        return f"工作簿中没有“{PROJECT_TITLE}”工作表，无法新增。"
    source = projects[-1]
    name = next_project_name(projects, set(sheets))
    grid = Grid(sheets[source])
    layout = fit_layout(PROJECT, source, grid)
    clear: dict[tuple[int, int], None] = {}
    for c in layout.cells:
        if c.role == INPUT and grid.value(c.row, c.col) not in (None, ""):
            clear[(c.row, c.col)] = None
    blocks = []  # each indicator table: every column is typed, so one 2-D write clears it
    for table in layout.tables:
        cols = [c.col for c in table.columns]
        if table.capacity and all(c.role == INPUT for c in table.columns) and \
                sorted(cols) == list(range(min(cols), max(cols) + 1)):
            blocks.append((table.first_row, min(cols), [[None] * len(cols) for _ in range(table.capacity)]))
        else:
            for i in range(table.capacity):
                for c in table.cells_of_row(i):
                    if c.role == INPUT and grid.value(c.row, c.col) not in (None, ""):
                        clear[(c.row, c.col)] = None
    book.sheets[source].copy(after=book.sheets[source])
    copied = book.sheets[book.sheets[source].index]  # the copy sits right after its source (1-based index)
    copied.name = name
    for row, col, rows in blocks:
        copied.range((row, col)).value = rows
    for row, col, values in _runs(clear):
        copied.range((row, col)).value = [[v] for v in values]
    copied.activate()
    return f"已新增“{name}”（复制自“{source}”，已清空填报内容），请填写项目名称等内容。"
