"""Exit codes of every perfeval-xl command, defined once (README and SECURITY.md list them).

A script can tell them apart: 0 and 1 mean the work was done (1: the data has 错误 to fix);
5 means the roll-up was written but some files were left out; 2, 3, 4 and 130 mean nothing
usable was written.
"""

from __future__ import annotations

OK = 0  # done; no 错误 (提示 may remain)
FINDINGS = 1  # done; at least one 错误 was found in the data
UNUSABLE_INPUT = 2  # nothing done: an input, output, option or rules file cannot be used (Chinese message on stderr)
NOTHING_TO_DO = 3  # nothing done: the roll-up found no submission to roll up
INTERNAL_ERROR = 4  # nothing done: a bug in perfeval-xl (message plus a log file path; no traceback on screen)
PARTIAL = 5  # done, but some files could not be read (listed under 未能读取)
INTERRUPTED = 130  # stopped by Ctrl-C or SIGTERM; outputs left as they were before the run

MEANING_ZH = {
    OK: "完成，无错误（可能有提示）",
    FINDINGS: "完成，发现错误，需改正",
    UNUSABLE_INPUT: "未执行：输入文件、输出位置、参数或规则文件无法使用",
    NOTHING_TO_DO: "未执行：文件夹中没有可汇总的报送文件",
    INTERNAL_ERROR: "未执行：程序内部错误（详见日志文件）",
    PARTIAL: "已完成，但有文件未能读取",
    INTERRUPTED: "已中断（Ctrl-C 或终止信号），原有输出保持不变",
}
