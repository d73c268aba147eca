"""Regenerate the README's pictures of the printed forms (docs/images/打印-*.png) from the examples.

    python scripts/print_pictures.py

Needs LibreOffice (soffice) and poppler-utils (pdftotext, pdftoppm). Each picture is the first page
of a PDF rendering that shows the form, at 55 dpi (an A4 page is 455 × 644 pixels, 30–80 KB).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402

from perfeval_xl.core.serialize import submission_from_json  # noqa: E402
from perfeval_xl.core.settings import Settings  # noqa: E402
from perfeval_xl.report import write_report  # noqa: E402
from perfeval_xl.rollup.engine import rollup  # noqa: E402

EXAMPLES = ROOT / "examples" / "报送"
IMAGES = ROOT / "docs" / "images"
DPI = 55

# picture name → (rendered file stem, words the page shows)
PICTURES = {
    "项目支出绩效自评表": ("洋湖", ("项目支出绩效自评表", "一级指标")),
    "部门整体支出绩效自评表": ("王家河", ("部门整体支出绩效自评表", "预算部门名称")),
    "基础数据表": ("王家河", ("基础数据表", "财政供养人员")),
    "评分表": ("望月湖", ("评分表", "评分标准")),
    "区汇总": ("汇总", ("汇总得分",)),
    "自评报告": ("报告", ("绩效指标完成情况表",)),
}


def _pdf_text(pdf: Path, page: int) -> str:
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def main() -> int:
    if not (shutil.which("soffice") and shutil.which("pdftoppm")):
        print("需要 LibreOffice（soffice）和 poppler-utils（pdftoppm、pdftotext）", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copy(EXAMPLES / "岳麓区" / "洋湖街道2022年度项目支出绩效自评表.xlsx", work / "洋湖.xlsx")
        shutil.copy(EXAMPLES / "岳阳楼区" / "王家河街道2023年度部门整体支出绩效自评.xlsx", work / "王家河.xlsx")
        shutil.copy(EXAMPLES / "岳麓区" / "望月湖街道（虚构）2022年度基础数据表及评分表.xlsx", work / "望月湖.xlsx")
        rollup(EXAMPLES, work / "区汇总.xlsx", jobs=1)
        summary = load_workbook(work / "区汇总.xlsx")
        for name in summary.sheetnames:
            if name != "汇总":
                summary.remove(summary[name])
        summary.save(work / "汇总.xlsx")
        seed = submission_from_json((ROOT / "tests" / "data" / "seed003_wangjiahe_2023.json").read_text("utf-8"))
        write_report(seed, work / "报告.docx", Settings.default())
        inputs = [work / f"{n}.xlsx" for n in ("洋湖", "王家河", "望月湖", "汇总")] + [work / "报告.docx"]
        subprocess.run(["soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                        "--norestore", "--convert-to", "pdf", "--outdir", str(work / "pdf"), *map(str, inputs)],
                       check=True, capture_output=True, timeout=600)
        for picture, (stem, words) in PICTURES.items():
            pdf = work / "pdf" / f"{stem}.pdf"
            page = next(p for p in range(1, _pages(pdf) + 1) if all(w in _pdf_text(pdf, p) for w in words))
            target = IMAGES / f"打印-{picture}"
            subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-singlefile", "-f", str(page), "-l", str(page),
                            str(pdf), str(target)], check=True)
            print(f"{target}.png（{stem} 第 {page} 页）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
