"""`perfeval-xl demo`: the whole job on the bundled example district, in one command.

Validates every example workbook (one 校验 text per file), rolls the folder up into the
district workbook with its JSON report and 退回意见, draws PNG charts of the main year, and
prints where everything is with a short table (unit, year, score, grade, 错误, 提示, status).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from .core.findings import report_text
from .core.settings import Settings
from .core.validate import validate
from .io.guard import Limits
from .io.read import ReadError, read_submission
from .resources import examples_dir

EXAMPLES = examples_dir() / "报送"  # inside the installed package, or the checkout's examples/
CJK_FONTS = ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "Microsoft YaHei",
             "PingFang SC", "Heiti SC", "Arial Unicode MS")


class DemoError(Exception):
    """The demo cannot run; ``str(err)`` is the Chinese message."""


def short_unit(name: str) -> str:
    """长沙市岳麓区坪塘街道办事处（虚构） → 坪塘街道（虚构）: what fits under a bar."""
    text = re.sub(r"^.*?[省市州]", "", name, count=1) if re.search(r"[市州].+[区县]", name) else name
    text = re.sub(r"^.*?[区县]", "", text, count=1) if re.search(r"[区县].+", text) else text
    return text.replace("办事处", "") or name


def run_demo(output: Path, examples: Path = EXAMPLES, settings: Settings | None = None,
             progress=None) -> dict[str, Any]:
    from .rollup import rollup

    settings = settings or Settings.default()
    if not examples.is_dir():
        raise DemoError(f"找不到示例文件夹 {examples}；请用 --examples 指定示例工作簿所在的文件夹。")
    if output.resolve() == examples.resolve() or examples.resolve() in output.resolve().parents:
        raise DemoError("输出文件夹不能在示例文件夹之内（示例文件只读取，不改动）。")
    if output.exists():
        shutil.rmtree(output / "校验", ignore_errors=True)
    (output / "校验").mkdir(parents=True, exist_ok=True)
    from .rollup.progress import announce

    books = sorted(examples.rglob("*.xls*"))
    announce(progress, "逐份校验", len(books))
    checked = []
    for done, path in enumerate(books, start=1):
        checked.append(_validate_one(path, examples, output / "校验", settings))
        if progress is not None:
            progress(done, len(books), path.name)
    result = rollup(examples, output / "区汇总.xlsx", json_report=output / "区汇总.json",
                    feedback_dir=output / "退回意见", settings=settings, progress=progress, force=True)
    report = json.loads((output / "区汇总.json").read_text(encoding="utf-8"))
    charts = draw_charts(report, output)
    return {"checked": checked, "rollup": result, "report": report, "charts": charts}


def _validate_one(path: Path, root: Path, outdir: Path, settings: Settings) -> dict[str, Any]:
    rel = path.relative_to(root).as_posix()
    target = outdir / (path.stem + ".txt")
    try:
        loaded = read_submission(path, Limits.from_settings(settings))
    except ReadError as exc:
        target.write_text(f"未能读取：{exc}\n", encoding="utf-8")
        return {"file": rel, "readable": False, "reason": str(exc), "output": target}
    report = validate(loaded.submission, settings, path=rel, sha256=loaded.sha256)
    target.write_text(report_text(report) + "\n", encoding="utf-8")
    return {"file": rel, "readable": True, "errors": len(report.errors), "warnings": len(report.warnings),
            "output": target}


def main_year(report: dict[str, Any]) -> dict[str, Any] | None:
    """The year most units reported for (the district's current round), its stats block."""
    years = [y for y in report["stats"]["years"] if y["units"]]
    return max(years, key=lambda y: (y["units"], y["year"])) if years else None


def draw_charts(report: dict[str, Any], output: Path) -> list[Path]:
    """得分 and 执行率 by unit for the main year, as PNG (matplotlib; [] when it is not installed)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib import font_manager
    except ImportError:
        return []
    year = main_year(report)
    if year is None:
        return []
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # CJK fonts lack a "normal" weight
    available = {f.name for f in font_manager.fontManager.ttflist}
    fonts = [f for f in CJK_FONTS if f in available]
    plt.rcParams["font.sans-serif"] = fonts + ["DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    lines = [
        ("得分.png", f"各单位自评得分（{year['year']} 年度）", "得分", year["ranking_by_score"], "score", 100, "{:.2f}"),
        ("执行率.png", f"各单位预算执行率（{year['year']} 年度）", "执行率（%）", year["ranking_by_rate"], "rate", None,
         "{:.1%}"),
    ]
    written = []
    for name, title, axis, rows, key, limit, fmt in lines:
        if not rows:
            continue
        rows = list(reversed(rows))  # best at the top
        labels = [short_unit(r["unit"]) for r in rows]
        values = [r[key] * (100 if key == "rate" else 1) for r in rows]
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(rows) + 1.4), dpi=110)
        colours = ["#c0504d" if key == "rate" and r[key] < report["stats"]["low_execution_rate"] else "#4f81bd"
                   for r in rows]
        bars = ax.barh(labels, values, color=colours)
        for bar, r in zip(bars, rows):
            ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + fmt.format(r[key]),
                    va="center", fontsize=9)
        ax.set_title(title)
        ax.set_xlabel(axis)
        ax.set_xlim(0, (limit or max(values)) * 1.12)
        if key == "rate":
            low = report["stats"]["low_execution_rate"]
            ax.axvline(low * 100, color="#999999", linestyle="--", linewidth=1, label=f"{low:.0%} 线")
            if any(r[key] < low for r in rows):
                bars[0].set_label(None)
                ax.bar([0], [0], color="#c0504d", label=f"执行率低于 {low:.0%}")
            ax.legend(loc="lower right", fontsize=9, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        path = output / name
        fig.savefig(path)
        plt.close(fig)
        written.append(path)
    return written


UNIT_COLUMNS = ("单位", "年度", "得分", "等级", "错误", "提示", "状态")
UNIT_WIDTH = 24  # display columns of the 单位 column; a longer unit or file name ends in …
STATUS_ZH = {"superseded": "重复，未计入", "ignored": "本工具输出，忽略", "unreadable": "未能读取"}


def summary_rows(files: list[dict[str, Any]] | dict[str, Any]) -> list[tuple[str, Any, Any, str, Any, Any, str]]:
    """(单位 or 文件, 年度, 得分, 等级, 错误, 提示, 状态) for every file of a roll-up report (its
    ``submissions`` list, or the whole report): newest year first, then rolled-up units by score."""
    if isinstance(files, dict):
        files = files["submissions"]
    rows = []
    ordered = sorted(files, key=lambda f: (-(f.get("year") or 0), f["status"] != "ok",
                                          -(f.get("score") or 0), f["path"]))
    for f in ordered:
        counts = f.get("counts") or {}
        if f["status"] == "ok":
            status = "需退回" if counts.get("errors") else "通过"
        else:
            status = STATUS_ZH.get(f["status"], "未能读取")
        name = short_unit(f["unit"]) if f.get("unit") else Path(f["path"]).name
        rows.append((name, f.get("year") or "", f.get("score"), f.get("grade") or "",
                     counts.get("errors", ""), counts.get("warnings", ""), status))
    return rows


def table_text(rows) -> str:
    """The per-unit table of ``demo`` and ``rollup``, aligned by display width."""
    from .terminal import table

    return table(UNIT_COLUMNS, rows, right=(2, 4, 5), max_widths={0: UNIT_WIDTH})


def grade_line(report: dict[str, Any]) -> str:
    year = main_year(report)
    if year is None:
        return ""
    grades = Counter({k: v for k, v in year["grades"].items() if v})
    parts = "，".join(f"{k} {v} 个" for k, v in grades.items())
    return f"{year['year']} 年度：{year['units']} 个单位，{parts}；平均分 {year['mean']}，中位数 {year['median']}。"


# ---------------------------------------------------------------- README: what it finds in real reports


def real_examples(manifest: Path = EXAMPLES.parent / "district.toml") -> list[Path]:
    """The example workbooks made from a real seed as printed (no synthetic change)."""
    import tomllib

    units = tomllib.loads(manifest.read_text(encoding="utf-8"))["unit"]
    return [EXAMPLES / u["file"] for u in units if set(u) == {"file", "seed"}]


def findings_markdown(paths: list[Path] | None = None, settings: Settings | None = None) -> str:
    """Every finding of the real reports, by unit: what the README shows under 真实报告中的问题."""
    settings = settings or Settings.default()
    out = []
    for path in paths if paths is not None else real_examples():
        loaded = read_submission(path, Limits.from_settings(settings))
        sub = loaded.submission
        report = validate(sub, settings)
        title = f"{sub.unit.unit_name} {sub.unit.year} 年度"
        out += [f"<details><summary><b>{title}</b>（<code>examples/报送/{path.relative_to(EXAMPLES).as_posix()}</code>）："
                f"{report.summary_zh()}</summary>", "",
                "| 规则 | 严重程度 | 位置 | 单元格 | 说明 |", "|---|---|---|---|---|"]
        for g in report.groups():  # one row per cause: a slip that trips several rules is one row
            places = [(" ".join(p for p in (f.location.table, f.location.row, f.location.field) if p),
                       f"{f.location.sheet}!{f.location.cell}" if f.location.sheet else "") for f in g.findings]
            rules = "、".join(dict.fromkeys(f.rule for f in g.findings))
            where = "；".join(w for w, _ in places) if g.count <= 3 else f"{places[0][0]} 等 {g.count} 处"
            cells = "、".join(c for _, c in places if c)
            message = g.message + (f"（同一原因共 {g.count} 处）" if g.count > 1 else "")
            out.append(f"| {rules} | {g.severity.value} | {_md(where)} | {_md(cells)} | {_md(message)} |")
        out += ["", "</details>", ""]
    return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
