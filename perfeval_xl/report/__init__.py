"""自评报告: draft the narrative report from the tables, and check a report against them.

    from perfeval_xl.report import draft_report, write_report, check_report
    blocks, template = draft_report(submission, settings)                 # 10-part department report
    blocks, template = draft_report(submission, settings, project="预留奖金")  # 7-part project report
    write_report(submission, "自评报告.docx", settings, project=None, templates=None)
    findings = check_report(submission, "已有报告.docx", settings)        # W6xx findings

Data flow: model → ``figures`` (every number, pure) → ``compose`` (template text, pure) →
``docx_writer`` (layout only). The check runs the other way: ``extract`` (docx → paragraphs)
→ ``statements`` (figures stated in prose, pure) → ``check`` (compared with the model).
"""

from __future__ import annotations

from pathlib import Path

from ..core.model import Submission
from ..core.settings import Settings
from .compose import Block, Template, TemplateError, compose, load_template
from .figures import department_figures, find_project, project_figures


class ReportError(ValueError):
    """A report that cannot be drafted or read; the message is in Chinese."""


def draft_report(sub: Submission, settings: Settings, project: str | None = None,
                 templates: str | Path | None = None) -> tuple[list[Block], Template]:
    if project is not None:
        table = find_project(sub, project)
        if table is None:
            names = "、".join(f"“{p.name}”" for p in sub.projects) or "（工作簿中没有项目支出绩效自评表）"
            raise ReportError(f"没有名为“{project}”的项目。工作簿中的项目：{names}。")
        template = load_template("project", templates)
        return compose(template, project_figures(sub, table, settings)), template
    template = load_template("department", templates)
    return compose(template, department_figures(sub, settings)), template


def write_report(sub: Submission, path: str | Path, settings: Settings, project: str | None = None,
                 templates: str | Path | None = None) -> list[Block]:
    from .docx_writer import write_docx

    blocks, template = draft_report(sub, settings, project, templates)
    title = blocks[0].text if blocks and blocks[0].kind == "title" else ""
    write_docx(blocks, template.fonts, path, title)
    return blocks


def check_report(submission: Submission, docx_path: str | Path, settings: Settings):
    """W6xx findings: figures stated in an existing report (.docx) that disagree with the tables."""
    from .check import check_paragraphs
    from .extract import read_paragraphs

    return check_paragraphs(submission, read_paragraphs(docx_path), settings)


__all__ = ["Block", "ReportError", "TemplateError", "check_report", "draft_report", "write_report"]
