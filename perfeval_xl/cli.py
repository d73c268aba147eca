"""perfeval-xl command line: thin wrappers that open the input, call the core, print.

Exit codes: ``perfeval_xl.exitcodes`` (0 ok, 1 错误 found, 2 unusable input, 3 nothing to roll
up, 4 internal error with a log file, 5 roll-up done but some files unreadable, 130 interrupted).
A Chinese message on stderr; never a traceback on the terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

from . import __version__
from . import crash
from .core.catalog import SCOPES, all_rules
from .core.model import Indicator
from .core.scoring import score_indicator
from .core.serialize import submission_to_json
from .core.settings import Settings, SettingsError
from .core.summary import score_dict, submission_summary
from .core.validate import validate
from .core.values import parse_value
from .io.read import ReadError, read_submission

from .exitcodes import FINDINGS, INTERNAL_ERROR, INTERRUPTED, OK, UNUSABLE_INPUT


class UserError(Exception):
    """Stops a command with a Chinese message and exit code 2."""


def _settings(args: argparse.Namespace) -> Settings:
    try:
        return Settings.load(getattr(args, "rules", None))
    except SettingsError as exc:
        raise UserError(str(exc)) from None


def _read(path: str, settings: Settings | None = None):
    from .io.guard import Limits

    try:
        return read_submission(path, Limits.from_settings(settings))
    except ReadError as exc:
        raise UserError(str(exc)) from None


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


# ---------------------------------------------------------------- rules


def every_rule() -> list:
    """The per-submission catalog, the roll-up's cross-submission rules and the report check's, by code."""
    from .report.rules import report_rules
    from .rollup import rollup_rules

    return sorted(all_rules() + list(rollup_rules()) + report_rules(), key=lambda r: r.code)


def cmd_rules(args: argparse.Namespace) -> int:
    rules = every_rule()
    if args.code:
        chosen = [r for r in rules if r.code == args.code.upper()]
        if not chosen:
            raise UserError(f"没有规则 {args.code}；运行 perfeval-xl rules 查看全部规则。")
        rules = chosen
    if args.format == "json":
        _print_json([r.to_dict() for r in rules])
    elif args.format == "markdown":
        print(rules_markdown(rules))
    elif args.code:
        print(rules[0].doc_zh())
    else:
        for r in rules:
            print(f"{r.code}  {r.severity.value}  {SCOPES[r.scope]}  {r.title}")
    return OK


def rules_markdown(rules=None) -> str:
    """The README's rule table (generated, never edited by hand)."""
    rules = rules if rules is not None else every_rule()
    lines = ["| 代码 | 默认 | 适用 | 规则 | 检查内容 |", "|---|---|---|---|---|"]
    for r in rules:
        lines.append(f"| {r.code} | {r.severity.value} | {SCOPES[r.scope]} | {r.title} | {r.what} |")
    return "\n".join(lines)


# ---------------------------------------------------------------- score


def cmd_score(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.file is None:
        if args.target is None or args.actual is None or args.points is None:
            raise UserError("请给出文件，或同时给出 --target、--actual 和 --points。")
        ind = Indicator(name=args.name or "", target=args.target, actual=args.actual, points=args.points)
        score = score_indicator(ind, settings)
        if args.format == "json":
            _print_json({"target": parse_value(args.target).describe(), "actual": parse_value(args.actual).describe(),
                         **score_dict(score)})
        else:
            print(f"年度指标值：{parse_value(args.target).describe()}")
            print(f"实际完成值：{parse_value(args.actual).describe()}")
            print(f"建议得分：{'无法计算' if score.value is None else score.value}（{score.rule}）")
            print(score.explanation)
        return OK
    sub = _read(args.file, settings).submission
    summary = submission_summary(sub, settings)
    if args.format == "json":
        _print_json(summary)
    else:
        print(score_text(summary))
    return OK


def _n(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def score_text(summary: dict[str, Any]) -> str:
    lines = [f"{summary['unit']}（{_n(summary['year'])} 年度）"]
    tables = summary["projects"] + ([summary["department"]] if summary["department"] else [])
    for t in tables:
        ex = t["execution"]
        lines += ["", t["table"], f"  预算执行：{ex['explanation']}（填报得分 {_n(ex['stated_score'])}）",
                  "  指标｜分值｜填报得分｜建议得分"]
        for i in t["indicators"]:
            s = i["suggested"]
            suggested = _n(s["value"]) if s["value"] is not None else (
                f"{_n(s['band'][0])}–{_n(s['band'][1])}" if s["band"] else "无法计算")
            lines.append(f"  {i['name']}｜{_n(i['points'])}｜{_n(i['stated_score'])}｜{suggested}")
            lines.append(f"      {s['explanation']}")
        lines.append(f"  总分：填报 {_n(t['stated_total'])}；执行得分与指标得分合计 {_n(t['stated_components_total'])}；"
                     f"建议 {_n(t['suggested_total'])}（{t['suggested_grade'] or '—'}）")
        if t["cap"]:
            lines.append(f"  {t['cap']}")
    if summary["rubric"]:
        r = summary["rubric"]
        lines += ["", "评分表（附件2）", "  项目｜分值｜自评得分｜计算得分"]
        for item in r["items"]:
            c = item["computed"]
            lines.append(f"  {item['name']}｜{_n(item['points'])}｜{_n(item['stated_score'])}｜"
                         f"{_n(c['value']) if c['value'] is not None else '无法计算'}")
            lines.append(f"      {c['explanation']}")
        lines.append(f"  合计：自评 {_n(r['stated_total'])}；计算 {_n(r['computed_total'])}（{r['grade'] or '—'}）"
                     + (f"；{r['forced_grade_reason']}" if r["forced_grade_reason"] else ""))
    return "\n".join(lines)


# ---------------------------------------------------------------- validate


def cmd_validate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    loaded = _read(args.file, settings)
    report = validate(loaded.submission, settings, path=args.file, sha256=loaded.sha256)
    if args.report:
        report.findings.extend(_report_findings(loaded.submission, args.report, settings))
    cap = args.max_per_rule if args.max_per_rule is not None else int(settings["findings.max_per_rule"])
    if args.format == "json":
        _print_json({**report.to_dict(max_per_rule=cap), "recomputed_cells": loaded.recomputed})
    else:
        print(report_text(report, cap, loaded.recomputed))
    return FINDINGS if not report.valid else OK


def report_text(report, max_per_rule: int | None = None, recomputed: Sequence[str] = ()) -> str:
    """The 校验 result as a clerk reads it: summary, then each finding with its cell."""
    data = report.to_dict(max_per_rule=max_per_rule)
    lines = [f"文件：{report.path}", f"结果：{data['summary']}"]
    if recomputed:
        lines.append(f"说明：{len(recomputed)} 个公式单元格没有保存计算结果（文件未在 Excel 中打开保存过），已按本工具的计算读取。")
    for f in data["findings"]:
        where = " ".join(p for p in (f["table"], f["row"], f["field"]) if p)
        cell = f"（{f['sheet']}!{f['cell']}）" if f["sheet"] else ""
        lines += ["", f"[{f['severity_zh']}] {f['rule']} {f['title']} — {where}{cell}", f"  {f['message']}"]
        if f["explanation"]:
            lines.append(f"  情况说明：{f['explanation']}")
    for code, count in data["omitted"].items():
        lines += ["", f"（规则 {code} 另有 {count} 处未列出）"]
    return "\n".join(lines)


def _report_findings(submission, docx_path: str, settings: Settings) -> list:
    from .report import check_report
    from .report.extract import ReportReadError

    try:
        return check_report(submission, docx_path, settings)
    except ReportReadError as exc:
        raise UserError(str(exc)) from None


# ---------------------------------------------------------------- report


def cmd_report(args: argparse.Namespace) -> int:
    from .report import ReportError, TemplateError, write_report

    settings = _settings(args)
    out = Path(args.output)
    if out.suffix.lower() != ".docx":
        raise UserError("输出文件应以 .docx 结尾。")
    if out.resolve() == Path(args.file).resolve():
        raise UserError(f"输出文件 {out} 与输入文件相同；为保护原始数据，请另选输出文件名。")
    if out.exists() and not args.force:
        raise UserError(f"{out} 已存在；如确需覆盖，请加 --force。")
    sub = _read(args.file, settings).submission
    try:
        blocks = write_report(sub, out, settings, project=args.project, templates=args.templates)
    except (ReportError, TemplateError) as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"无法写入 {out}：{exc.strerror or exc}") from None
    holes = sum(b.text.count("【请填写") for b in blocks)
    print(f"已生成 {out}（{len(blocks)} 段，其中 {holes} 处【请填写：……】需经办人补写）")
    return OK


# ---------------------------------------------------------------- export


def cmd_export(args: argparse.Namespace) -> int:
    print(submission_to_json(_read(args.file).submission))
    return OK


# ---------------------------------------------------------------- roll-up


def cmd_rollup(args: argparse.Namespace) -> int:
    from .rollup import RollupError, rollup, terminal_progress

    settings = _settings(args)
    try:
        with terminal_progress() as progress:
            r = rollup(args.folder, args.output, jobs=args.jobs, json_report=args.json, feedback_dir=args.feedback,
                       settings=settings, progress=progress, scheduler=args.scheduler,
                       batch_size=args.batch_size, force=args.force)
    except RollupError as exc:
        raise UserError(str(exc)) from None
    print(r.summary_zh())
    for _, reason in r.unreadable:
        print(f"未能读取：{reason}", file=sys.stderr)
    return r.exit_code


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import EXAMPLES, DemoError, grade_line, run_demo, summary_rows, table_text
    from .rollup import RollupError, terminal_progress

    out = Path(args.output)
    try:
        with terminal_progress() as progress:
            done = run_demo(out, Path(args.examples) if args.examples else EXAMPLES, _settings(args), progress)
    except (DemoError, RollupError) as exc:
        raise UserError(str(exc)) from None
    report, result = done["report"], done["rollup"]
    print(table_text(summary_rows(report)))
    print()
    print(grade_line(report))
    print(result.summary_zh())
    print(f"\n输出在 {out}/：")
    print("  区汇总.xlsx、区汇总.json   区汇总工作簿与 JSON 报告")
    print(f"  校验/                    每个工作簿的校验结果（{len(done['checked'])} 份）")
    if result.feedback_files:
        print(f"  退回意见/                有错误的单位的退回意见（{len(result.feedback_files)} 份）")
    for chart in done["charts"]:
        print(f"  {chart.name:<24} 图表")
    return OK


# ---------------------------------------------------------------- templates and new workbooks


def cmd_templates(args: argparse.Namespace) -> int:
    from .io.templates import TEMPLATE_DIR, build_templates

    outdir = Path(args.outdir) if args.outdir else TEMPLATE_DIR
    for path in build_templates(outdir):
        print(f"已生成 {path}")
    return OK


def cmd_new(args: argparse.Namespace) -> int:
    from .io.guard import Limits
    from .io.templates import PrefillError, new_unit_submission, read_prefill
    from .io.xlsx_write import build_workbook, save_atomic
    from .layout.sheets import UNIT_SHEETS

    settings = _settings(args)
    out = Path(args.output)
    inputs = [Path(p) for p in (args.prefill, args.from_json) if p]
    if any(out.resolve() == p.resolve() for p in inputs):
        raise UserError(f"输出文件 {out} 与输入文件相同；为保护原始数据，请另选输出文件名。")
    if out.exists() and not args.force:
        raise UserError(f"{out} 已存在；如确需覆盖，请加 --force。")
    if out.suffix.lower() != ".xlsx":
        raise UserError("输出文件应以 .xlsx 结尾。")
    if args.from_json:
        sub = _read(args.from_json, settings).submission
    else:
        if not args.unit:
            raise UserError("请用 --unit 给出单位名称，或用 --from-json 给出导出的数据。")
        try:
            projects = read_prefill(Path(args.prefill)) if args.prefill else []
        except PrefillError as exc:
            raise UserError(str(exc)) from None
        cap = Limits.from_settings(settings).max_projects
        if len(projects) > cap:
            raise UserError(f"{args.prefill}：项目过多（{len(projects)} 个，上限 {cap} 个，见规则文件 [limits] max_projects）")
        sub = new_unit_submission(args.unit, args.year, projects, settings)
    try:
        save_atomic(build_workbook(sub, UNIT_SHEETS, settings), out)
    except OSError as exc:
        raise UserError(f"无法写入 {out}：{exc.strerror or exc}") from None
    print(f"已生成 {out}（{len(sub.projects)} 个项目表）")
    return OK


# ---------------------------------------------------------------- Excel: ribbon add-in and xlwings Lite


def cmd_addin(args: argparse.Namespace) -> int:
    from .excel.addin import ADDIN_NAME, AddinError, build, install, uninstall

    try:
        if args.action == "build":
            path = build(args.outdir, interpreter=args.interpreter or "")
            print(f"已生成 {path}")
            print(f"在 Windows 上安装：xlwings addin install -f {path}")
        elif args.action == "install":
            print(install(Path(args.outdir) / ADDIN_NAME))
        else:
            print(uninstall())
    except AddinError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"无法写入 {args.outdir}：{exc.strerror or exc}") from None
    return OK


def cmd_lite(args: argparse.Namespace) -> int:
    from .excel.lite import write_bundle

    try:
        paths = write_bundle(args.output)
    except OSError as exc:
        raise UserError(f"无法写入 {args.output}：{exc.strerror or exc}") from None
    for path in paths:
        print(f"已生成 {path}")
    print("在 xlwings Lite 任务窗格中：把 main.py 与 requirements.txt 的内容分别粘贴到编辑器的同名文件中，然后重启。")
    return OK


# ---------------------------------------------------------------- parser


def _add_rules_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", metavar="规则文件.toml", help="区（县）的规则文件，覆盖默认评分与审核设置")


def _add_format(p: argparse.ArgumentParser, choices: Sequence[str] = ("text", "json")) -> None:
    p.add_argument("--format", choices=choices, default="text", help="输出格式（默认 text）")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perfeval-xl",
        description="街道办事处预算绩效自评：计分、校验与区汇总（budget-performance self-evaluation in Excel）",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"perfeval-xl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    sub.required = True

    def command(name: str, func: Callable, help_text: str, example: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text,
                           epilog=f"示例：\n  {example}", formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=func)
        return p

    p = command("rules", cmd_rules, "列出审核规则目录（list the rule catalog）", "perfeval-xl rules T101")
    p.add_argument("code", nargs="?", help="规则代码，如 T101：显示该规则的完整说明")
    _add_format(p, ("text", "json", "markdown"))

    p = command("score", cmd_score, "计算执行得分、指标建议得分、总分与等级（compute scores with explanations）",
                "perfeval-xl score 洋湖街道.json\n  perfeval-xl score --target '≥8亿元' --actual '8.4亿元' --points 3")
    p.add_argument("file", nargs="?", help="报送文件（.json）")
    p.add_argument("--target", help="年度指标值（不带文件时单独计算一个指标）")
    p.add_argument("--actual", help="实际完成值")
    p.add_argument("--points", type=float, help="分值")
    p.add_argument("--name", help="三级指标名称（用于判断金额类指标）")
    _add_rules_option(p)
    _add_format(p)

    p = command("validate", cmd_validate, "按规则目录校验一份报送（validate a submission）",
                "perfeval-xl validate 洋湖街道.json --format json")
    p.add_argument("file", help="报送文件（.json）")
    p.add_argument("--max-per-rule", type=int, metavar="N", help="每条规则最多列出的问题数（其余只计数）")
    p.add_argument("--report", metavar="自评报告.docx", help="同时核对自评报告中的数字与表格是否一致（规则 W601–W609）")
    _add_rules_option(p)
    _add_format(p)

    p = command("report", cmd_report, "由表格起草自评报告（.docx）：部门整体十部分，或 --project 项目七部分（draft the report）",
                "perfeval-xl report 王家河街道2023.xlsx -o 自评报告.docx\n"
                "  perfeval-xl report 洋湖街道2022.xlsx --project 预留奖金 -o 预留奖金自评报告.docx")
    p.add_argument("file", help="报送文件（.xlsx/.xlsm/.json）")
    p.add_argument("-o", "--output", required=True, help="输出的 .docx 文件")
    p.add_argument("--project", metavar="项目名称", help="起草该项目的项目支出绩效自评报告（不给出时起草部门整体支出报告）")
    p.add_argument("--templates", metavar="目录", help="区（县）自己的报告模板目录（department.toml / project.toml）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    _add_rules_option(p)

    p = command("export", cmd_export, "把工作簿（或 JSON）导出为 JSON（export the model as JSON）",
                "perfeval-xl export 洋湖街道2022.xlsx > 洋湖街道2022.json")
    p.add_argument("file", help="报送文件（.xlsx/.xlsm/.json）")

    p = command("rollup", cmd_rollup, "把文件夹中各街道的工作簿汇总为区汇总工作簿（district roll-up）",
                "perfeval-xl rollup 报送/ -o 区汇总.xlsx --json 汇总.json --feedback 退回意见/")
    p.add_argument("folder", help="存放各街道报送工作簿的文件夹（含子文件夹）")
    p.add_argument("-o", "--output", required=True, help="输出的区汇总 .xlsx")
    p.add_argument("--jobs", type=int, help="并行进程数（默认：CPU 数）")
    p.add_argument("--json", metavar="报告.json", help="另存一份 JSON 报告")
    p.add_argument("--feedback", metavar="目录", help="为有错误的单位各生成一份退回意见工作簿")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask 分布式调度器地址（省市级大批量时）")
    p.add_argument("--batch-size", type=int, help="每个 Dask 任务处理的文件数")
    p.add_argument("--force", action="store_true", help="覆盖已存在的非本工具生成的输出文件")
    _add_rules_option(p)

    p = command("demo", cmd_demo, "在自带的示例区（examples/）上演示全过程：逐份校验、区汇总、图表（run the whole job on the examples）",
                "perfeval-xl demo -o 示例输出")
    p.add_argument("-o", "--output", default="example-output", help="输出文件夹（默认 example-output）")
    p.add_argument("--examples", help="示例工作簿所在文件夹（默认：仓库的 examples/报送）")
    _add_rules_option(p)

    p = command("templates", cmd_templates, "重新生成 workbook_templates/ 中的模板工作簿（rebuild the templates）",
                "perfeval-xl templates")
    p.add_argument("--outdir", help="输出目录（默认：仓库的 workbook_templates/）")

    p = command("new", cmd_new, "为一个街道新建本年度的自评工作簿，可预填项目（create a unit workbook）",
                "perfeval-xl new --unit 洋湖街道 --year 2022 --prefill 项目预算.csv -o 洋湖街道2022.xlsx\n"
                "  perfeval-xl new --from-json 洋湖街道2022.json -o 洋湖街道2022.xlsx")
    p.add_argument("--unit", help="单位名称")
    p.add_argument("--year", type=int, help="年度")
    p.add_argument("--prefill", metavar="预算.csv|json", help="区财政局已知的项目清单：项目名称、主管部门、实施单位、年初预算数、全年预算数")
    p.add_argument("--from-json", metavar="导出.json", help="用 perfeval-xl export 导出的 JSON 生成工作簿")
    p.add_argument("-o", "--output", required=True, help="输出的 .xlsx 文件")
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    _add_rules_option(p)

    p = command("addin", cmd_addin, "Windows Excel 功能区加载项：生成、安装、卸载（the ribbon add-in）",
                "perfeval-xl addin build -o 加载项 --interpreter C:\\Python311\\python.exe\n"
                "  perfeval-xl addin install -o 加载项")
    p.add_argument("action", choices=("build", "install", "uninstall"), help="build 生成 .xlam；install / uninstall 仅限 Windows")
    p.add_argument("-o", "--outdir", default=".", help="加载项所在文件夹（默认：当前文件夹）")
    p.add_argument("--interpreter", help="装有 perfeval-xl 的 python.exe 完整路径（写入 xlwings.conf 的 Interpreter_Win）")

    p = command("lite", cmd_lite, "生成 xlwings Lite 用的 main.py 与 requirements.txt（Excel for Mac / 网页版 / 365）",
                "perfeval-xl lite -o lite")
    p.add_argument("-o", "--output", required=True, help="输出文件夹")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = build_parser().parse_args(argv)
    try:
        with crash.stop_on_sigterm():
            return args.func(args)
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return UNUSABLE_INPUT
    except BrokenPipeError:  # e.g. `perfeval-xl export x.json | head`
        return OK
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (stop_on_sigterm): workers are stopped on the way out
        print(f"\n{crash.INTERRUPTED_ZH}", file=sys.stderr)
        return INTERRUPTED
    except Exception as exc:  # a bug: the traceback goes to a log file, the user gets where it is
        print(crash.report(exc, argv if argv is not None else sys.argv[1:]), file=sys.stderr)
        return INTERNAL_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
