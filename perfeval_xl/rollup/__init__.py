"""District roll-up (区汇总, DOMAIN §F): every street's workbook in one 区汇总 workbook.

    from perfeval_xl.rollup import rollup
    result = rollup("收到的报送/", "区汇总.xlsx", json_report="report.json", feedback_dir="退回意见/")
    sys.exit(result.exit_code)

What it does
------------
1. **Discovery**: every ``.xlsx``/``.xlsm`` under the folder (recursive, sorted by relative path;
   any Unicode file name). ``.xls``/``.xlsb``/``.et``/``.ods`` are found too, so that 未能读取 lists
   them ("另存为 .xlsx") instead of leaving them out silently. Office lock files (``~$…``),
   hidden/temporary files (``.…``, incl. our ``.~perfeval-…``), ``__MACOSX`` and the feedback
   folder are skipped; 区汇总/退回意见 workbooks this tool wrote are recognised and ignored.
   A ``.zip`` is read as a folder (``zipintake.py``): each member is checked and read in memory,
   never extracted; its path is ``…/archive.zip/member.xlsx``.
   Inputs are only ever read: an output, report or feedback path that is an input is refused;
   an existing file there that this tool did not write is replaced only with ``force=True``.
2. **Per file, in worker processes** (``jobs``, default: the CPUs available (``os.cpu_count()``
   within the process's affinity); ``jobs=1`` in this
   process; or a Dask cluster with ``scheduler=``, batches of files per task): read read-only
   with ``read_submission`` (python-calamine), validate with the rule catalog (``validate``), score
   (``submission_summary``); workers return plain rows, never models. A file that cannot be used
   goes to 未能读取 with its Chinese reason (``ReadError`` text, or the exception type and text);
   the run always completes. Rows are spilled to a temporary file as they arrive and written in
   path order, so memory stays flat and the output does not depend on worker timing.
3. **Cross-submission checks** (``rules.py``, codes X501–X505, same Finding shape as the catalog,
   overridable in the rules file's ``[severity]``): X501 the same unit and year twice — same
   预算编码 *and* 单位名称 (name alone when no code) — the newest file by modification time is
   kept (ties: the later path), the others are left out of every figure, all are listed;
   X502 unknown template version (错误); X503 a 预算编码 used with different names, or a name
   with different codes, across all files and years (错误; such files are *not* merged, so no
   unit silently disappears); X504 outdated or missing version stamp (提示); X505 no unit
   name or year (错误).
4. **Output**: the 区汇总 workbook (汇总, 统计 with two native bar charts, 项目明细, 指标明细,
   问题清单, 未能读取, 说明), written atomically; ``json_report``; ``feedback_dir``: one 退回意见
   workbook per unit with 错误, and beside it the unit's 标注副本 (its own workbook with the problem
   cells marked: ``excel/annotate.py``; not for a member of a .zip).
5. **Workflow** (optional): ``roster`` (``roster.read_roster``) adds the 报送情况 sheet with each
   roster unit's status (未报送, 未能读取, 退回（有错误）, 待说明（提示未附情况说明）, 通过) and the units
   not on it; ``archive`` (an SQLite file, ``perfeval_xl.archive``) records the run, reuses the
   records of files archived under the same rules, and adds 上年得分/变化/上年排名 to 汇总, a 对比
   column to 问题清单 (连续出现, 本次新出现) and the resubmission's resolved/new findings.
   Every writer reads the worker's typed record (``record.py``) by field name.

Figures (also printed on the 说明 sheet)
---------------------------------------
- 全年预算 / 全年执行: the 部门整体支出绩效自评表's 年度资金总额 row when the unit has that table,
  else the sum of its project tables' 年度资金总额 rows (blank cells not counted).
  执行率 = 全年执行 ÷ 全年预算, recomputed (not the rate typed in the table).
- 部门自评总分: the 部门整体支出绩效自评表's stated 总分 if filled in, else the 评分表's stated
  合计得分, else none. 项目平均分: mean of the project tables' stated 总分.
  汇总得分 (used for 等级, mean/median and rankings) = 部门自评总分, else 项目平均分; the 得分依据
  column says which. 等级 = the rules file's grade bands applied to 汇总得分.
- 未说明的偏差 = number of T109 findings; 超额>120% = number of T116 findings.

Exit codes (``RollupResult.exit_code``, names from ``perfeval_xl.exitcodes``; the most serious applies)
---------------------------------------------------------------------------------------------------
- 0 ``OK``: every file was read and no unit has a 错误 (提示 may remain).
- 1 ``FINDINGS``: every file was read; at least one unit has a 错误 — send the 退回意见.
- 5 ``PARTIAL``: at least one file could not be used (see 未能读取); the outputs are still
  written. It outranks 1 because the district picture is incomplete (ask for the file again).
- 3 ``NOTHING_TO_DO``: nothing to roll up (no .xlsx/.xlsm submission in the folder); no workbook is
  written (the JSON report is, if asked for, so scripts see why).
A folder or output that cannot be used raises ``RollupError`` (the CLI prints it and exits 2).
"""

from __future__ import annotations

from .engine import RollupError, RollupResult, rollup
from .discover import discover
from .progress import terminal_progress
from .rules import ROLLUP_RULES, rollup_rules

__all__ = [
    "ROLLUP_RULES", "RollupError", "RollupResult",
    "discover", "rollup", "rollup_rules", "terminal_progress",
]
