"""项目清单: one row per project sheet of the workbook, every cell a formula into that sheet.

The sheet is a view, not model data: its cells carry no model field, so the reader reads
nothing from it and the writer writes only formulas. Its formulas need each project sheet's
name and the address of that sheet's fields, and a project sheet's 总分 row moves with the
size of its indicator table; so the layout is built *from the planned project layouts of the
workbook* (``project_list_layout``, the kind's ``view``), and every address comes from
``layout.cell_of(field).ref``, never from a number written here.

Each cell still has a ``compute``: given the Submission, the value the cell must show (what
the project sheet shows, and the core's 执行率 as a table shows it, ``EXECUTION_RATE_SHOWN``),
so the generic checks that compare every computed cell with the core cover this sheet too.

Only functions every engine computes (IF, AND, ISNUMBER, COUNT, SUM, AVERAGE, ROUND; the
figures are those of ``core.formulas``): no
OFFSET/INDIRECT/SUBTOTAL and nothing volatile. The price, said on the sheet and in the
填报说明: a project sheet a clerk adds by copying 项目1 is not listed until the workbook is
generated again (the checks and the roll-up read every project sheet regardless).
"""

from __future__ import annotations

from typing import Any, Callable

from ..core import formulas
from ..core.model import Submission
from ..core.settings import Settings
from .grid import COMPUTED, Builder, Cell, Layout
from .paths import get_path
from .workbook import SheetKind

PROJECT_LIST_TITLE = "项目清单"
PROJECT_KEY = "project"  # Layout.key of the project sheets this view lists

# (column key, header, kind, project field it shows; "" when the column is computed here)
COLUMNS = (
    ("number", "序号", "count", ""),
    ("name", "项目名称", "text", "name"),
    ("implementing_unit", "实施单位", "text", "implementing_unit"),
    ("annual_budget", "全年预算数", "amount", "funding_total.annual_budget"),
    ("executed", "全年执行数", "amount", "funding_total.executed"),
    ("execution_rate", "执行率", "rate", ""),
    ("total_score", "总分", "points", "total_score"),
    ("grade", "等级", "text", "stated_grade"),
)
COL = {key: i for i, (key, *_rest) in enumerate(COLUMNS, start=1)}
TOTAL_LABEL = "合计（总分为各项目平均分）"


def sheet_ref(sheet: str, ref: str) -> str:
    """'项目1'!$G$40: absolute, quoted (an apostrophe in a sheet name is doubled)."""
    col = ref.rstrip("0123456789")
    quoted = sheet.replace("'", "''")
    return f"'{quoted}'!${col}${ref[len(col):]}"


def shown(cell: Cell, obj: Any) -> Any:
    """What a cell of a written sheet shows for ``obj``: the typed value of an input; for a
    computed cell the stated value the writer keeps when it is filled in, else the core's value
    (the writer's rule in ``SheetWriter._put``)."""
    if obj is None:
        return None
    stated = get_path(obj, cell.field)
    if cell.role != COMPUTED or (stated not in (None, "") and not cell.stamp):
        return stated
    return cell.compute(obj) if cell.compute else None


def _show(ref: str) -> str:
    """The other cell's value, or empty: a reference to a blank cell would show 0."""
    return f'=IF({ref}="","",{ref})'


def _rate_cell(b: Builder, budget: Cell, executed: Cell) -> Cell:
    """执行率 of a row of this sheet: the core's figure over the row's own two cells, as a table
    shows it ("—" for 0/0, blank when a figure is missing; the cell is centred)."""
    rate = formulas.EXECUTION_RATE_SHOWN
    return b.computed(COL["execution_rate"], "", rate.cell_formula({"budget": budget.ref, "executed": executed.ref}),
                      lambda sub: rate.value({"budget": budget.compute(sub), "executed": executed.compute(sub)}),
                      "rate")


def _project(index: int) -> Callable[[Submission | None], Any]:
    def get(sub: Submission | None) -> Any:
        projects = sub.projects if sub is not None else []
        return projects[index] if index < len(projects) else None
    return get


def project_list_layout(sheet: str, layouts: list[Layout], settings: Settings | None = None) -> Layout:
    """The 项目清单 of a workbook whose planned layouts are ``layouts`` (its other sheets, in order).

    The project sheets (``key == "project"``) are listed in workbook order; the i-th of them
    shows ``Submission.projects[i]`` (``plan_layouts`` writes them in that order). ``settings``
    completes the view signature; nothing here depends on it.
    """
    projects = [layout for layout in layouts if layout.key == PROJECT_KEY]
    b = Builder("project_list", sheet, widths=[6, 30, 14, 13, 13, 10, 9, 7])
    b.title(PROJECT_LIST_TITLE)
    b.note("本表由各项目表的公式自动生成，无需填写（蓝色单元格已锁定）。金额单位：万元。", height=18)
    b.next_row(30)
    for key, text, _, _ in COLUMNS:
        b.label(COL[key], text, header=True)
    b.layout.print_title_rows = f"{b.row}:{b.row}"
    b.layout.freeze = f"A{b.row + 1}"

    rows: list[dict[str, Cell]] = []
    for index, project in enumerate(projects):
        rows.append(_project_row(b, index, project))

    if not rows:  # a workbook without project sheets
        b.note("本工作簿没有项目表。")
        return b.build()

    b.next_row(30)
    b.label(1, TOTAL_LABEL, cols=COL["implementing_unit"], header=True)
    totals: dict[str, Cell] = {}
    for key in ("annual_budget", "executed"):
        totals[key] = _column_figure(b, rows, key, formulas.parts_sum(1), "amount")
    totals["execution_rate"] = _rate_cell(b, totals["annual_budget"], totals["executed"])
    totals["total_score"] = _column_figure(b, rows, "total_score", formulas.parts_average(1), "points")
    b.label(COL["grade"], "—")

    b.note("说明：本表只列出生成本工作簿时已有的项目表。复制“项目1”新增的项目表不会自动列入本表"
           "（合计也不含它），但校验和区汇总会读取全部项目表；如需完整的清单，请重新生成工作簿。"
           "执行率 = 全年执行数 ÷ 全年预算数（两者都为 0 时显示“—”）；合计行的执行率 = 执行数合计 ÷ 预算数合计。", height=48)
    return b.build()


def _project_row(b: Builder, index: int, project: Layout) -> dict[str, Cell]:
    b.next_row(30)
    get = _project(index)
    cells: dict[str, Cell] = {"number": b.computed(COL["number"], "", f"={index + 1}", lambda sub: index + 1, "count")}
    for key, _, kind, field_path in COLUMNS:
        if field_path:
            source = project.cell_of(field_path)
            cells[key] = b.computed(COL[key], "", _show(sheet_ref(project.sheet, source.ref)),
                                    lambda sub, source=source: shown(source, get(sub)), kind)
    budget, executed = cells["annual_budget"], cells["executed"]
    cells["execution_rate"] = _rate_cell(b, budget, executed)
    for key in ("name", "implementing_unit"):
        cells[key].wrap = True
    cells["name"].align = "left"
    return cells


def _column_figure(b: Builder, rows: list[dict[str, Cell]], key: str, figure, kind: str) -> Cell:
    """A 合计-row cell: ``figure`` (Σ or average) over the column ``key`` of every project row."""
    span = f"{rows[0][key].ref}:{rows[-1][key].ref}"
    return b.computed(COL[key], "", figure.cell_formula(formulas.parts_refs([span])),
                      lambda sub: figure.value(formulas.parts_env([[r[key].compute(sub) for r in rows]])), kind)


def project_list_cells(layout: Layout) -> tuple[list[dict[str, Cell]], dict[str, Cell]]:
    """The computed cells of each project row and of the 合计 row, by column key."""
    key_of = {col: key for key, col in COL.items()}
    by_row: dict[int, dict[str, Cell]] = {}
    for cell in layout.cells:
        if cell.role == COMPUTED:
            by_row.setdefault(cell.row, {})[key_of[cell.col]] = cell
    total_row = next((c.row for c in layout.cells if c.text == TOTAL_LABEL), None)
    return [cells for row, cells in sorted(by_row.items()) if row != total_row], by_row.get(total_row, {})


def _template_list(sheet: str, capacities: dict[str, int], settings: Settings) -> Layout:
    """The list of a workbook holding only the blank master 项目1: the template, and the layout
    the kind gives when asked without the workbook's other layouts."""
    from .project import DEFAULT_INDICATOR_ROWS, project_layout

    return project_list_layout(sheet, [project_layout("项目1", DEFAULT_INDICATOR_ROWS, settings)], settings)


def _ignore(sub: Submission, obj: Any) -> None:
    """A view: nothing to put back into the model."""


PROJECT_LIST = SheetKind(
    "project_list", "项目清单", _template_list,
    get=lambda sub: sub, attach=_ignore, new=Submission,
    title=PROJECT_LIST_TITLE, view=project_list_layout,
    printed=lambda sub, obj: bool(sub.projects))
