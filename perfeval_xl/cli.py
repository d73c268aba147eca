"""perfeval-xl command line: thin wrappers that open the input, call the core, print.

Exit codes: ``perfeval_xl.exitcodes`` (0 ok, 1 错误 found, 2 unusable input, 3 nothing to roll
up, 4 internal error with a log file, 5 roll-up done but some files unreadable, 130 interrupted),
listed by ``perfeval-xl --help``. A Chinese message on stderr; never a traceback on the terminal.
Help and parsing errors are in Chinese (cli_parser.py); tables are aligned by display width
(terminal.py); every output is checked before the work starts (io/writable.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

from . import __version__
from . import crash
from .core.catalog import SCOPES
from .core.findings import report_text
from .core.model import Indicator
from .core.registry import every_rule, rules_markdown
from .core.score import fmt_figure
from .core.scoring import score_indicator
from .core.serialize import submission_to_json
from .core.settings import Settings, SettingsError
from .core.summary import suggestion_text, score_dict, submission_summary
from .core.validate import file_report, validate
from .core.values import parse_value
from .cli_parser import ChineseArgumentParser
from .io.writable import OutputError, check_folder, check_output, write_failed
from .terminal import pad, table, width
from .io.read import ReadError, read_submission
from .exitcodes import FINDINGS, INTERNAL_ERROR, INTERRUPTED, MEANING_ZH, OK, UNUSABLE_INPUT


class UserError(Exception):
    """Stops a command with a Chinese message and exit code 2."""


def _settings(args: argparse.Namespace) -> Settings:
    try:
        return Settings.load(getattr(args, "rules", None), known_codes={r.code for r in every_rule()})
    except SettingsError as exc:
        raise UserError(str(exc)) from None


def _read(path: str, settings: Settings | None = None):
    from .io.guard import Limits

    try:
        return read_submission(path, Limits.from_settings(settings), settings)
    except ReadError as exc:
        raise UserError(str(exc)) from None


def _check_writable(files: Sequence[str | Path | None] = (), folders: Sequence[str | Path | None] = ()) -> None:
    """Stop before the work when an output cannot be written (open in Excel/WPS, read-only, disk full)."""
    try:
        for path in files:
            if path is not None:
                check_output(path)
        for folder in folders:
            if folder is not None:
                check_folder(folder)
    except OutputError as exc:
        raise UserError(str(exc)) from None


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


# ---------------------------------------------------------------- rules


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
        print(table(("代码", "默认", "适用", "规则"), [(r.code, r.severity.value, SCOPES[r.scope], r.title) for r in rules]))
    return OK


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


def _table_with_notes(header: Sequence[str], rows: list[tuple], notes: list[str]) -> list[str]:
    """An aligned table (display width), indented, each row followed by its explanation."""
    head, *body = table(header, rows, right=(1, 2, 3)).splitlines()
    out = [f"  {head}"]
    for line, note in zip(body, notes):
        out += [f"  {line}", f"      {note}"]
    return out


def score_text(summary: dict[str, Any]) -> str:
    lines = [f"{summary['unit']}（{fmt_figure(summary['year'])} 年度）"]
    tables = summary["projects"] + ([summary["department"]] if summary["department"] else [])
    for t in tables:
        ex = t["execution"]
        lines += ["", t["table"], f"  预算执行：{ex['explanation']}（填报得分 {fmt_figure(ex['stated_score'])}）"]
        rows = []
        for i in t["indicators"]:
            s = i["suggested"]
            suggested = fmt_figure(s["value"]) if s["value"] is not None else (
                f"{fmt_figure(s['band'][0])}–{fmt_figure(s['band'][1])}" if s["band"] else "无法计算")
            rows.append((i["name"], fmt_figure(i["points"]), fmt_figure(i["stated_score"]), suggested))
        lines += _table_with_notes(("指标", "分值", "填报得分", "建议得分"), rows,
                                   [i["suggested"]["explanation"] for i in t["indicators"]])
        lines.append(f"  总分：填报 {fmt_figure(t['stated_total'])}；执行得分与指标得分合计 {fmt_figure(t['stated_components_total'])}；"
                     + suggestion_text(t))
        if t["cap"]:
            lines.append(f"  {t['cap']}")
    if summary["rubric"]:
        r = summary["rubric"]
        lines += ["", "评分表（附件2）"]
        rows = [(item["name"], fmt_figure(item["points"]), fmt_figure(item["stated_score"]),
                 fmt_figure(item["computed"]["value"]) if item["computed"]["value"] is not None else "无法计算")
                for item in r["items"]]
        lines += _table_with_notes(("项目", "分值", "自评得分", "计算得分"), rows,
                                   [item["computed"]["explanation"] for item in r["items"]])
        lines.append(f"  合计：自评 {fmt_figure(r['stated_total'])}；计算 {fmt_figure(r['computed_total'])}（{r['grade'] or '—'}）"
                     + (f"；{r['forced_grade_reason']}" if r["forced_grade_reason"] else ""))
    return "\n".join(lines)


# ---------------------------------------------------------------- validate


def cmd_validate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.annotate:  # refuse before any work: the input is never overwritten
        from .excel.annotate import same_file

        if same_file(args.file, args.annotate):
            raise UserError(f"标注副本不能覆盖原文件 {args.file}，请另选文件名")
    loaded = _read(args.file, settings)
    report = validate(loaded.submission, settings, path=args.file, sha256=loaded.sha256)
    if args.report:
        report.findings.extend(_report_findings(loaded.submission, args.report, settings))
    cap = args.max_per_rule if args.max_per_rule is not None else int(settings["findings.max_per_rule"])
    from .core.explanations import awaiting_explanation

    awaiting = awaiting_explanation(report.findings, settings)
    if args.format == "json":
        _print_json(file_report(report, settings, loaded.recomputed, cap))
    else:
        print(report_text(report, cap, loaded.recomputed))
        if awaiting:
            print(awaiting_explanation_text(awaiting))
    if args.annotate:
        _annotate(args.file, args.annotate, report, quiet=args.format == "json", settings=settings)
    return FINDINGS if not report.valid else OK


def _annotate(source: str, target: str, report, quiet: bool = False, settings: Settings | None = None) -> None:
    """``validate --annotate``: the findings marked on a copy of the workbook (WPS, any Excel);
    openpyxl opens the submission in a bounded child process ([limits] memory_mb, parse_seconds)."""
    from .excel.annotate import AnnotateError, annotate_bounded
    from .io.guard import Limits

    if Path(source).suffix.lower() not in (".xlsx", ".xlsm"):
        raise UserError(f"--annotate 只适用于 .xlsx/.xlsm 工作簿：{source}")
    try:
        done = annotate_bounded(source, target, report, Limits.from_settings(settings))
    except AnnotateError as exc:
        raise UserError(str(exc)) from None
    if not quiet:
        marked = sum(len(v) for v in done.cells.values())
        print(f"\n已写出标注副本 {done.path}（标出 {marked} 个单元格，首页为“校验结果”表）")


def awaiting_explanation_text(awaiting) -> str:
    """Which 提示 still need a written 情况说明 before the district accepts the submission."""
    lines = ["", f"待说明：以下 {len(awaiting)} 条提示须在“校验结果”表的“情况说明”栏写明原因，否则区里按“待说明”退回："]
    for f in awaiting:
        cell = f"（{f.location.sheet}!{f.location.cell}）" if f.location.sheet else ""
        lines.append(f"  {f.rule} {f.title} — {' '.join(p for p in (f.location.table, f.location.row, f.location.field) if p)}{cell}")
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
    _check_writable([out])
    sub = _read(args.file, settings).submission
    try:
        blocks = write_report(sub, out, settings, project=args.project, templates=args.templates)
    except (ReportError, TemplateError) as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(write_failed(out, exc)) from None
    holes = sum(b.text.count("【请填写") for b in blocks)
    print(f"已生成 {out}（{len(blocks)} 段，其中 {holes} 处【请填写：……】需经办人补写）")
    return OK


# ---------------------------------------------------------------- export


def cmd_export(args: argparse.Namespace) -> int:
    print(submission_to_json(_read(args.file).submission))
    return OK


# ---------------------------------------------------------------- roll-up

# Rows of `rollup`'s per-unit table in a terminal: a province rolls up 10^5 files, and the 区汇总's
# 汇总 sheet lists every one of them; --all prints them all.
UNIT_TABLE_ROWS = 50
NEEDS_ACTION = ("需退回", "未能读取")  # statuses (the table's last column) listed first when it is cut


def unit_table_rows(rows: list[tuple], limit: int | None) -> tuple[list[tuple], int]:
    """At most ``limit`` rows of the per-unit table (all of them when ``limit`` is None): the files
    that need action first (需退回, 未能读取), each group in the table's order; and how many were left out."""
    if limit is None or len(rows) <= limit:
        return rows, 0
    first = [r for r in rows if r[-1] in NEEDS_ACTION]
    return (first + [r for r in rows if r[-1] not in NEEDS_ACTION])[:limit], len(rows) - limit


def cmd_rollup(args: argparse.Namespace) -> int:
    from .demo import summary_rows, table_text
    from .rollup import RollupError, rollup, terminal_progress

    from .rollup.roster import RosterError, read_roster

    settings = _settings(args)
    to_stdout = args.format == "json" or args.json == "-"  # the report alone on stdout
    json_file = None if args.json == "-" else args.json
    quiet = args.quiet or to_stdout
    if Path(args.folder).is_dir():  # a missing folder is the roll-up's own message
        _check_writable([args.output, json_file], [args.feedback])
    try:
        roster = read_roster(args.roster) if args.roster else None
        with terminal_progress(enabled=not args.quiet) as progress:
            r = rollup(args.folder, args.output, jobs=args.jobs, json_report=json_file, feedback_dir=args.feedback,
                       settings=settings, progress=progress, scheduler=args.scheduler,
                       batch_size=args.batch_size, force=args.force, roster=roster, archive=args.archive)
    except (RollupError, RosterError) as exc:
        raise UserError(str(exc)) from None
    if to_stdout:
        from .rollup.report_json import write_report

        write_report(r.report, sys.stdout)  # its files one at a time: a province's reports never all in memory
        print()
    if not quiet:
        if r.report.get("submissions"):
            shown, left_out = unit_table_rows(summary_rows(r.report), None if args.all_units else UNIT_TABLE_ROWS)
            print(table_text(shown))
            if left_out:
                print(f"……另有 {left_out} 个单位，见区汇总「汇总」表（加 --all 全部列出）")
            print()
        print(r.summary_zh())
    if not args.quiet:
        for _, reason in r.unreadable:
            print(f"未能读取：{reason}", file=sys.stderr)
    return r.exit_code


def cmd_history(args: argparse.Namespace) -> int:
    from .archive import ArchiveError, history

    try:
        rows = history(args.archive, args.unit)
    except ArchiveError as exc:
        raise UserError(str(exc)) from None
    if args.format == "json":
        _print_json(rows)
        return OK
    if not rows:
        print(f"档案中没有{'“' + args.unit + '”的' if args.unit else ''}报送记录。")
        return OK
    print(history_text(rows))
    return OK


def history_text(rows: list[dict]) -> str:
    """Each unit's years, oldest first: score, change, rank, status and the file counted."""
    lines: list[str] = []
    unit, previous = None, None
    for r in rows:
        if (r["code"], r["unit"]) != unit:
            unit, previous = (r["code"], r["unit"]), None
            lines += ["" if lines else None, f"{r['unit']}{'（' + r['code'] + '）' if r['code'] else ''}"]
        score = f"{r['score']:.2f}" if r["score"] is not None else "无得分"
        delta = f"（{r['score'] - previous:+.2f}）" if r["score"] is not None and previous is not None else ""
        rank = f"第 {r['rank']} 名" if r["rank"] is not None else "—"
        lines.append(f"  {r['year']} 年度  {score}{delta} {r['grade'] or ''}  {rank}  {r['status']}  "
                     f"错误 {r['errors']}，提示 {r['warnings']}  {r['path']}")
        previous = r["score"]
    return "\n".join(line for line in lines if line is not None)


def cmd_demo(args: argparse.Namespace) -> int:
    import importlib.util

    from .demo import EXAMPLES, DemoError, grade_line, run_demo, summary_rows, table_text
    from .rollup import RollupError, terminal_progress

    out = Path(args.output)
    _check_writable(folders=[out])
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
    listing = [("区汇总.xlsx、区汇总.json", "区汇总工作簿与 JSON 报告"),
               ("校验/", f"每个工作簿的校验结果（{len(done['checked'])} 份）")]
    if result.feedback_files:
        listing.append(("退回意见/", f"有错误的单位的退回意见（{len(result.feedback_files)} 份）"))
    listing += [(chart.name, "图表") for chart in done["charts"]]
    width_ = max(width(name) for name, _ in listing)
    for name, what in listing:
        print(f"  {pad(name, width_)}  {what}")
    if not done["charts"] and importlib.util.find_spec("matplotlib") is None:
        print('  （图表需要 matplotlib：pip install "perfeval-xl[charts]"）')
    return OK


# ---------------------------------------------------------------- templates and new workbooks


def cmd_templates(args: argparse.Namespace) -> int:
    from .io.templates import build_templates

    # The current folder by default: never into the installation (the repository's
    # workbook_templates/ is regenerated with --outdir workbook_templates).
    outdir = Path(args.outdir) if args.outdir else Path.cwd()
    _check_writable(folders=[outdir])
    try:
        paths = build_templates(outdir)
    except OSError as exc:
        raise UserError(write_failed(outdir, exc)) from None
    for path in paths:
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
    _check_writable([out])
    if args.from_json:
        sub = _read(args.from_json, settings).submission
    else:
        if not args.unit:
            raise UserError("请用 --unit 给出单位名称，或用 --from-json 给出导出的数据。")
        from .core.checks.submission import FIRST_YEAR, latest_year

        if args.year is not None and not FIRST_YEAR <= args.year <= latest_year():
            raise UserError(f"年度 {args.year} 不在 {FIRST_YEAR}–{latest_year()} 之间；请填写四位数的预算年度，如 2022。")
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
        raise UserError(write_failed(out, exc)) from None
    print(f"已生成 {out}（{len(sub.projects)} 个项目表）")
    return OK


# ---------------------------------------------------------------- Excel: ribbon add-in and xlwings Lite


def cmd_addin(args: argparse.Namespace) -> int:
    from .bundle_check import check_addin_interpreter
    from .excel.addin import ADDIN_NAME, AddinError, build, install, uninstall

    try:
        if args.action == "build":
            _check_writable(folders=[args.outdir])
            # the interpreter first: one that cannot import perfeval-xl is the root of any later complaint
            _check_bundle(lambda: check_addin_interpreter(args.interpreter or ""))
            path = build(args.outdir, interpreter=args.interpreter or "")
            print(f"已生成 {path}")
            if not args.interpreter and not sys.platform.startswith("win"):
                print("注意：未指定 --interpreter，加载项将使用 Windows 电脑 PATH 中的 python；建议写明 python.exe 的完整路径。")
            print(f"在 Windows 上安装：xlwings addin install -f {path}")
        elif args.action == "install":
            print(install(Path(args.outdir) / ADDIN_NAME))
        else:
            print(uninstall())
    except AddinError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(write_failed(args.outdir, exc)) from None
    return OK


def _check_bundle(check, written: Sequence[Path] = ()) -> None:
    """A bundle whose modules do not import is an error, not a file to hand out (removed)."""
    from .bundle_check import BundleError

    try:
        check()
    except BundleError as exc:
        for path in written:
            Path(path).unlink(missing_ok=True)
        raise UserError(str(exc)) from None


def cmd_lite(args: argparse.Namespace) -> int:
    from .bundle_check import check_lite_bundle
    from .excel.lite import write_bundle

    _check_writable(folders=[args.output])
    try:
        paths = write_bundle(args.output)
    except OSError as exc:
        raise UserError(write_failed(args.output, exc)) from None
    _check_bundle(lambda: check_lite_bundle(paths[0]), written=paths)
    for path in paths:
        print(f"已生成 {path}")
    print("在 xlwings Lite 任务窗格中：把 main.py 与 requirements.txt 的内容分别粘贴到编辑器的同名文件中，然后重启。")
    return OK


def cmd_kit(args: argparse.Namespace) -> int:
    from .bundle_check import BundleError
    from .kit import KitError, build_kit

    try:
        out = build_kit(args.output, args.platform, args.python, analysis=not args.no_analysis)
    except (KitError, BundleError) as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"无法写入 {args.output}：{exc.strerror or exc}") from None
    print(f"已生成离线安装包 {out}；请先阅读其中的 安装说明.txt。")
    return OK


# ---------------------------------------------------------------- parser


def _add_rules_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", metavar="规则文件.toml", help="区（县）的规则文件，覆盖默认评分与审核设置")


def _add_format(p: argparse.ArgumentParser, choices: Sequence[str] = ("text", "json")) -> None:
    p.add_argument("--format", choices=choices, default="text", help="输出格式（默认 text）")


def exit_codes_text() -> str:
    """The exit-code table of every command (from exitcodes.py), for the main help."""
    return "退出码：\n" + "\n".join(f"  {pad(str(code), 3, right=True)}  {text}" for code, text in MEANING_ZH.items())


def _add_script_options(p: argparse.ArgumentParser, json_help: str) -> None:
    """For scripts: --quiet (nothing on stdout, no progress) and --format json (JSON alone on stdout)."""
    p.add_argument("--quiet", "-q", action="store_true", help="不显示进度与结果表（只用退出码；错误信息仍写到标准错误）")
    p.add_argument("--format", choices=("text", "json"), default="text", help=f"输出格式（默认 text）；{json_help}")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="perfeval-xl",
        description="街道办事处预算绩效自评：计分、校验与区汇总（budget-performance self-evaluation in Excel）",
        epilog=f"示例：\n  perfeval-xl validate 洋湖街道2022.xlsx\n\n{exit_codes_text()}",
    )
    parser.add_argument("--version", action="version", version=f"perfeval-xl {__version__}", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", help="运行 perfeval-xl 命令 -h 查看该命令的说明与示例")
    sub.required = True

    def command(name: str, func: Callable, help_text: str, example: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, epilog=f"示例：\n  {example}")
        p.set_defaults(func=func)
        return p

    p = command("rules", cmd_rules, "列出审核规则目录（list the rule catalog）", "perfeval-xl rules T101")
    p.add_argument("code", nargs="?", help="规则代码，如 T101：显示该规则的完整说明")
    _add_format(p, ("text", "json", "markdown"))

    p = command("score", cmd_score, "计算执行得分、指标建议得分、总分与等级（compute scores with explanations）",
                "perfeval-xl score 洋湖街道2022.xlsx\n  perfeval-xl score --target '≥8亿元' --actual '8.4亿元' --points 3")
    p.add_argument("file", nargs="?", help="报送文件：工作簿（.xlsx/.xlsm）或 JSON")
    p.add_argument("--target", help="年度指标值（不带文件时单独计算一个指标）")
    p.add_argument("--actual", help="实际完成值")
    p.add_argument("--points", type=float, help="分值")
    p.add_argument("--name", help="三级指标名称（用于判断金额类指标）")
    _add_rules_option(p)
    _add_format(p)

    p = command("validate", cmd_validate, "按规则目录校验一份报送（validate a submission）",
                "perfeval-xl validate 洋湖街道2022.xlsx")
    p.add_argument("file", help="报送文件：工作簿（.xlsx/.xlsm）或 JSON")
    p.add_argument("--max-per-rule", type=int, metavar="N", help="每条规则最多列出的问题数（其余只计数）")
    p.add_argument("--report", metavar="自评报告.docx", help="同时核对自评报告中的数字与表格是否一致（规则 W601–W609）")
    p.add_argument("--annotate", metavar="标注副本.xlsx",
                   help="另存一份标出问题的副本：问题单元格着色并加批注，首页“校验结果”表可点击跳转（WPS、任何 Excel 均可查看；不改动原文件）")
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
    p.add_argument("--json", metavar="报告.json", help="另存一份 JSON 报告（- 表示打印到标准输出）")
    p.add_argument("--feedback", metavar="目录", help="为有错误的单位各生成一份退回意见工作簿")
    p.add_argument("--scheduler", metavar="调度器地址", help="Dask 分布式调度器地址（省市级大批量时）")
    p.add_argument("--batch-size", type=int, help="每个 Dask 任务处理的文件数")
    p.add_argument("--force", action="store_true", help="覆盖已存在的非本工具生成的输出文件")
    p.add_argument("--roster", metavar="名单.csv", help="应报送单位名单（.csv 或 .toml，UTF-8 或 GBK）：生成“报送情况”表")
    p.add_argument("--archive", metavar="档案.sqlite", help="绩效档案（SQLite）：记录本次汇总，未改动的文件不再重读，对比上年和上次报送")
    p.add_argument("--all", dest="all_units", action="store_true",
                   help=f"结果表列出全部单位（默认最多 {UNIT_TABLE_ROWS} 行，需退回和未能读取的排在前面）")
    _add_rules_option(p)
    _add_script_options(p, "json 把汇总报告（与 --json 文件相同）打印到标准输出")

    p = command("history", cmd_history, "查看绩效档案中各单位历年的得分、排名和审核状态（a unit's years）",
                "perfeval-xl history --archive 绩效档案.sqlite --unit 洋湖")
    p.add_argument("--archive", required=True, metavar="档案.sqlite", help="rollup --archive 写入的档案")
    p.add_argument("--unit", help="单位名称或预算编码中的文字（如 洋湖）；不填则列出全部单位")
    p.add_argument("--format", choices=["text", "json"], default="text", help="输出格式")

    p = command("demo", cmd_demo, "在自带的示例区（examples/）上演示全过程：逐份校验、区汇总、图表（run the whole job on the examples）",
                "perfeval-xl demo -o 示例输出")
    p.add_argument("-o", "--output", default="example-output", help="输出文件夹（默认 example-output）")
    p.add_argument("--examples", help="示例工作簿所在文件夹（默认：随软件安装的示例区）")
    _add_rules_option(p)

    p = command("templates", cmd_templates, "生成空白模板工作簿（默认写到当前文件夹）（write the template workbooks）",
                "perfeval-xl templates --outdir 模板")
    p.add_argument("--outdir", help="输出目录（默认：当前文件夹；在仓库中重新生成时用 --outdir workbook_templates）")

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
    p.add_argument("--interpreter", help="装有 perfeval-xl 的 python.exe 完整路径（写入加载项 perfeval_xl.conf 表的 Interpreter_Win）")

    p = command("kit", cmd_kit, "生成离线安装包（政务内网电脑用）：依赖包、安装脚本、加载项、Lite 文件、模板、安装说明",
                "perfeval-xl kit -o 安装包 --platform win_amd64 --python 3.11")
    p.add_argument("-o", "--output", required=True, help="输出文件夹（新建，或为空）")
    p.add_argument("--platform", help="目标平台（默认：本机平台）：win_amd64、win32、linux_x86_64、macosx_arm64 等")
    p.add_argument("--python", help="目标电脑的 Python 版本，如 3.11（默认：本机的版本）")
    p.add_argument("--no-analysis", action="store_true", help="不含 pandas 与 numpy（analysis 扩展；安装后约 160 MB）")

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
