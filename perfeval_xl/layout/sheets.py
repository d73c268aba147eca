"""The sheets of each workbook, in order. Add a sheet by adding its SheetKind here."""

from __future__ import annotations

from ..core.model import Submission
from .basic import BASIC
from .cover import COVER_TITLE, cover_layout
from .department import DEPARTMENT
from .guide import guide_kind
from .project import DEFAULT_INDICATOR_ROWS, PROJECT_TITLE, ProjectForm, attach_project, project_layout
from .project_list import PROJECT_LIST
from .rubric_sheet import RUBRIC
from .workbook import SheetKind


def _cover_attach(sub: Submission, read: Submission) -> None:
    sub.unit, sub.template_version = read.unit, read.template_version


COVER = SheetKind("cover", "封面", cover_layout, get=lambda sub: sub, attach=_cover_attach, new=Submission,
                  title=COVER_TITLE, always=True)

def _project_kind(alone: bool) -> SheetKind:
    return SheetKind(
        "project", "项目1",
        lambda sheet, caps, settings: project_layout(sheet, caps["indicators"], settings, alone),
        get=lambda sub: [ProjectForm.of(p, sub) for p in sub.projects], attach=attach_project, new=ProjectForm,
        title=PROJECT_TITLE, repeated=True, capacities={"indicators": DEFAULT_INDICATOR_ROWS})


PROJECT = _project_kind(alone=False)  # in the unit workbook: 填报单位 and 年度 shown from the 封面
PROJECT_ALONE = _project_kind(alone=True)  # the project table as a workbook of its own: typed on it

# The unit workbook (one per 街道 per year) and the standalone project table.
# The 填报说明 of each workbook lists that workbook's kinds, itself included (read when a layout is built).
GUIDE = guide_kind(lambda: UNIT_SHEETS)
PROJECT_GUIDE = guide_kind(lambda: PROJECT_SHEETS)  # the standalone project table's
UNIT_SHEETS: list[SheetKind] = [COVER, GUIDE, BASIC, DEPARTMENT, RUBRIC, PROJECT_LIST, PROJECT]
PROJECT_SHEETS: list[SheetKind] = [PROJECT_ALONE, PROJECT_GUIDE]
