"""自评报告: drafted from the tables (figures exact), and existing reports checked against them."""

from __future__ import annotations

import re

import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from perfeval_xl.cli import main
from perfeval_xl.core.model import Submission
from perfeval_xl.core.settings import Settings
from perfeval_xl.report import ReportError, TemplateError, check_report, draft_report, write_report
from perfeval_xl.report.check import check_paragraphs
from perfeval_xl.report.extract import ReportReadError, paragraphs_from_texts
from perfeval_xl.report.figures import change_phrase, department_figures, project_figures
from perfeval_xl.report.placeholders import placeholders

from .conftest import DATA, load_seed
from .recalc import PDFINFO, SOFFICE, libreoffice_pdf

SEED000, SEED003, SEED004 = "seed000_yanghu_2022.json", "seed003_wangjiahe_2023.json", "seed004_shazitang_2020.json"


def texts(blocks, kind=None):
    return [b.text for b in blocks if kind is None or b.kind == kind]


def body(blocks) -> str:
    return "\n".join(texts(blocks))


def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        t = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
    doc.save(path)
    return path


# ---------------------------------------------------------------- drafting: figures from the tables

APPENDIX = "附：自评表核对情况（供经办人核对，定稿前删除本部分）"
RULE_CODE = re.compile(r"\b[STXWR]\d{3}\b")


def appendix(blocks) -> list[str]:
    """The body paragraphs after the appendix heading."""
    start = next(i for i, b in enumerate(blocks) if b.text == APPENDIX)
    return [b.text for b in blocks[start + 1:] if b.kind == "body"]


def test_department_report_seed003_states_the_table_figures(settings):
    blocks, _ = draft_report(load_seed(SEED003), settings)
    headings = texts(blocks, "heading1")
    assert headings == ["一、基本情况", "二、一般公共预算支出情况", "三、政府性基金预算支出情况", "四、国有资本经营预算支出情况",
                        "五、社会保险基金预算支出情况", "六、部门整体支出绩效情况", "七、存在的问题及原因分析",
                        "八、下一步改进措施", "九、部门整体支出绩效自评结果拟应用和公开情况", "十、其他需要说明的情况",
                        APPENDIX]
    assert texts(blocks, "title") == ["2023年度岳阳市岳阳楼区王家河街道办事处部门整体支出绩效自评报告"]
    text = body(blocks)
    for expected in (
        "核定编制58人，2023年实际在职58人，人员控制率100.00%",
        "年初预算数956.66万元，全年预算数1577.26万元，全年执行数1577.26万元，预算执行率100.00%",
        "一般公共预算1467.43万元，政府性基金拨款0万元，纳入专户管理的非税收入拨款0万元，其他资金109.83万元",
        "基本支出1023.74万元，占全年执行数的64.91%",  # 1023.74 / 1577.26
        "公用经费190.92万元，比上年增加10.66万元，增长5.91%",  # 180.26 → 190.92
        "“三公”经费决算数0万元（本年预算数0万元，控制率不适用，本年预算数为0），比上年减少9.63万元，下降100.00%",
        "项目支出553.52万元，占全年执行数的35.09%，其中：业务工作专项5万元，本级专项资金548.52万元",
        "本年度无政府性基金预算支出。",
        # no 总分 row in seed 003: Σ of the stated scores, and the text says so
        "自评得分93.8分（自评表未填总分，按执行得分与各指标得分之和），等级为“优”",
        "共设绩效指标25个，取得满分的21个",
    ):
        assert expected in text, expected
    unmet = [t for t in texts(blocks) if t[:3] in ("1. ", "2. ", "3. ", "4. ") and "；偏差原因：" in t]
    assert unmet == [
        "1. “管理制度健全性”（产出指标/质量指标）：年度指标值“100%”，实际完成值“98%”，分值3，得分2；偏差原因：部分制度未及时更新",
        "2. “年度工作达标率”（效益指标/经济效益指标）：年度指标值“100%”，实际完成值“99%”，分值5，得分4.8；偏差原因：极个别工作有待提升",
        "3. “促进社会治安稳定”（效益指标/社会效益指标）：年度指标值“辖区治安稳定, 全年无重大政治事件及安全生产事故”，"
        "实际完成值“辖区治安稳定, 无重大事故”，分值6，得分5；偏差原因：【请填写：“促进社会治安稳定”的偏差原因及改进措施（表中未填写）】",
        "4. “满意度”（满意度指标/服务对象满意度指标）：年度指标值“100%”，实际完成值“99%”，分值5，得分4；偏差原因：满意度有待进一步提升",
    ]
    # the findings that remain (T109, 4 × T111, T115, 2 × T116, T118) in plain Chinese, in the appendix only
    remaining = appendix(blocks)
    assert len(remaining) == 9 and [t.split(" ")[0] for t in remaining] == [f"{n}." for n in range(1, 10)]
    assert not [t for b in blocks for t in [b.text] if RULE_CODE.search(t) or "[错误]" in t or "[提示]" in t]
    # the published reports' tables
    tables = {b.text: b.table for b in blocks if b.kind == "table"}
    assert list(tables) == ["预算执行情况表（万元）", "绩效指标完成情况表"]
    assert tables["预算执行情况表（万元）"].rows == (("年度资金总额", "956.66", "1577.26", "1577.26", "100.00%"),)
    indicators = tables["绩效指标完成情况表"]
    assert indicators.headers == ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因")
    assert len(indicators.rows) == 25
    assert indicators.rows[-1] == ("成本指标", "经济成本指标", "本单位财政供养人数", "≥58人", "58人", "5", "5", "")


def test_growth_rate_is_never_computed_on_a_zero_or_missing_base():
    assert change_phrase(553.52, 0.0, "项目支出") == "比上年增加553.52万元（上年为0，不计算增长率）"
    assert change_phrase(0.0, 0.0, "出国经费") == "与上年持平"
    assert change_phrase(3.25, 6.6, "三公经费") == "比上年减少3.35万元，下降50.76%"
    assert change_phrase(3.25, None, "三公经费") == "上年数未填写，不作同比（【请填写：三公经费上年决算数】）"
    assert change_phrase(None, 6.6, "三公经费") == "【请填写：三公经费本年数（表中未填写）】"


def test_department_report_seed004_uses_the_rubric_total_and_asks_for_what_no_table_holds(settings):
    sub = load_seed(SEED004)
    figures = department_figures(sub, settings)
    assert figures["自评总分"] == "92.1" and figures["总分依据"] == "评分表（附件2）合计" and figures["等级"] == "优"
    assert figures["人员控制率"] == "87.27%"
    assert figures["三公经费同比"] == "比上年减少3.35万元，下降50.76%"
    assert figures["三公经费控制率"] == "48.95%"  # 3.25 / 6.64
    assert figures["公用经费同比"] == "比上年增加31.19万元，增长30.08%"  # 103.7 → 134.89
    assert figures["项目支出构成"] == "，其中：业务工作专项1902.77万元，运行维护专项1630.35万元"
    # no 部门整体支出表: nothing is invented for the budget
    assert figures["全年预算数"] == "【请填写：全年预算数（表中未填写）】"
    assert figures["基本支出占比"] == "【请填写：基本支出占全年执行数的比重】"


def test_project_report_seed000_states_the_project_table(settings):
    blocks, _ = draft_report(load_seed(SEED000), settings, project="预留奖金")
    assert texts(blocks, "heading1") == ["一、预算支出基本情况", "二、绩效评价工作情况", "三、预算支出主要绩效及评价结论",
                                        "四、绩效评价指标分析", "五、主要经验及做法、存在的问题及原因分析", "六、有关建议",
                                        "七、其他需要说明的问题", APPENDIX]
    assert texts(blocks, "heading2")[:3] == ["（一）预算支出概况", "（二）预算资金使用管理情况", "（三）预算支出绩效目标完成程度"]
    text = body(blocks)
    for expected in (
        "“预留奖金”项目主管部门为洋湖街道办事处，实施单位为财政所",
        "年初预算数115.5万元，全年预算数115.5万元，其中当年财政拨款115.5万元",
        "全年执行数105.95万元，预算执行率91.73%，结余9.55万元",  # recomputed, not the table's slip 91.74%
        "项目绩效自评得分100分（自评表总分），等级为“优”",
        "得分100分（分值100分）",  # the table's execution row as stated (T103/T104 list it below)
    ):
        assert expected in text, expected
    assert appendix(blocks)[0].startswith("1. 执行率与执行数/预算数不符：")
    assert not [b.text for b in blocks if RULE_CODE.search(b.text)]
    budget = next(b.table for b in blocks if b.kind == "table" and b.text.startswith("预算执行情况表"))
    assert budget.rows == (("年度资金总额", "115.50", "115.50", "105.95", "91.73%"),
                           ("当年财政拨款", "115.50", "115.50", "105.95", "91.73%"))


def test_unknown_project_is_refused_with_the_names(settings):
    with pytest.raises(ReportError) as err:
        draft_report(load_seed(SEED000), settings, project="预留资金")
    assert str(err.value) == ("没有名为“预留资金”的项目。工作簿中的项目：“两保站人员工资”、“预留奖金”、“行政审批办综合工作经费”、"
                              "“党建办综合工作经费”、“城管办拆控违”。")


def test_every_placeholder_is_documented(settings):
    sub = load_seed(SEED000)
    assert set(project_figures(sub, sub.projects[0], settings)) == set(placeholders("project"))
    assert set(department_figures(load_seed(SEED003), settings)) == set(placeholders("department"))


# ---------------------------------------------------------------- templates


def test_district_template_overrides_wording_and_lists_expand(tmp_path, settings):
    (tmp_path / "project.toml").write_text(
        'title = "{项目名称}自评报告"\n[[part]]\nheading = "一、结论"\n'
        'text = ["得分{自评总分}分，{{原样}}。", "{未满分指标}", "其余：{未满分指标}"]\n', encoding="utf-8")
    blocks, template = draft_report(load_seed(SEED000), settings, project="党建办综合工作经费", templates=tmp_path)
    assert template.origin == str(tmp_path / "project.toml")
    assert [b.kind for b in blocks] == ["title", "heading1", "body", "body", "body", "body"]
    assert blocks[0].text == "党建办综合工作经费自评报告"
    assert blocks[2].text == "得分98分，{原样}。"
    assert blocks[3].text.startswith("1. “远程教育站点及时维护”") and blocks[4].text.startswith("2. “工作人员满意度”")
    assert blocks[5].text.startswith("其余：1. “远程教育站点及时维护”") and "；2. “工作人员满意度”" in blocks[5].text
    # the department template is not in the folder: the packaged one is used
    _, dept = draft_report(load_seed(SEED003), settings, templates=tmp_path)
    assert dept.origin == "内置模板 department.toml"


def test_unknown_placeholder_is_an_error_naming_the_file(tmp_path, settings):
    (tmp_path / "department.toml").write_text('title = "{单位全称}"\n[[part]]\nheading = "一、"\n', encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        draft_report(load_seed(SEED003), settings, templates=tmp_path)
    assert str(err.value).startswith(f"报告模板 {tmp_path / 'department.toml'} 中的 {{单位全称}} 不是可用的名称。可用的名称：")


# ---------------------------------------------------------------- the .docx


def test_docx_is_an_official_document(tmp_path, settings):
    out = tmp_path / "报告.docx"
    write_report(load_seed(SEED003), out, settings)
    doc = Document(str(out))
    section = doc.sections[0]
    stored = (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
              section.left_margin, section.right_margin)
    wanted = (Cm(21.0), Cm(29.7), Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6))
    assert all(abs(a - b) <= Cm(0.01) for a, b in zip(stored, wanted)), stored  # Word stores twips

    def east_asian(style) -> str:
        return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    paragraphs = [p for p in doc.paragraphs if p.text]
    title, first_heading, second_heading, first_body = paragraphs[0], paragraphs[1], paragraphs[2], paragraphs[3]
    assert (title.style.name, east_asian(title.style), title.style.font.size) == ("公文标题", "方正小标宋简体", Pt(22))
    assert title.style.paragraph_format.alignment == 1  # centred
    assert (first_heading.text, east_asian(first_heading.style), first_heading.style.font.size) == ("一、基本情况", "黑体", Pt(16))
    assert (second_heading.text, east_asian(second_heading.style)) == ("（一）单位概况", "楷体_GB2312")
    assert (east_asian(first_body.style), first_body.style.font.size) == ("仿宋_GB2312", Pt(16))
    assert first_body.style.paragraph_format.first_line_indent == Pt(32)  # two characters of 三号
    highlighted = [r.text for r in first_body.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert highlighted == ["【请填写：内设机构设置及人员构成】"]


def test_output_is_written_atomically_and_never_over_the_input(tmp_path):
    src = tmp_path / "王家河.json"
    src.write_text((DATA / SEED003).read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["report", str(src), "-o", str(tmp_path / "报告.docx")]) == 0
    assert (tmp_path / "报告.docx").stat().st_size > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告.docx", "王家河.json"]  # no temp file left
    assert main(["report", str(src), "-o", str(tmp_path / "报告.docx")]) == 2  # exists, no --force
    assert main(["report", str(src), "-o", str(tmp_path / "报告.docx"), "--force"]) == 0


def test_cli_report_errors_are_chinese(tmp_path, capsys):
    src = str(DATA / SEED000)
    assert main(["report", src, "-o", str(tmp_path / "x.docx"), "--project", "不存在"]) == 2
    assert capsys.readouterr().err.strip() == (
        "错误：没有名为“不存在”的项目。工作簿中的项目：“两保站人员工资”、“预留奖金”、“行政审批办综合工作经费”、"
        "“党建办综合工作经费”、“城管办拆控违”。")
    assert main(["report", src, "-o", str(tmp_path / "x.pdf")]) == 2
    assert capsys.readouterr().err.strip() == "错误：输出文件应以 .docx 结尾。"
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.skipif(not SOFFICE or not PDFINFO, reason="LibreOffice and poppler are needed")
def test_generated_report_prints_as_a4_pages_with_the_figures(tmp_path, settings):
    out = tmp_path / "报告.docx"
    write_report(load_seed(SEED003), out, settings)
    pdf = libreoffice_pdf(out, tmp_path)
    info = subprocess.run([PDFINFO, str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 5 <= pages <= 15
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "一、基本情况" in flat and "十、其他需要说明的情况" in flat
    assert "全年执行数1577.26万元" in flat and "—1—" in flat  # figures and the page number footer


# ---------------------------------------------------------------- the report check (W6xx)


def rows(findings):
    return [[f.rule, f.location.row, f.location.field] for f in findings]


def test_generated_reports_agree_with_their_tables(tmp_path, settings):
    """Consistent by construction: checking a drafted report finds only the placeholders left (W609)."""
    cases = [(SEED003, None), (SEED004, None)] + [(SEED000, p.name) for p in load_seed(SEED000).projects]
    for name, project in cases:
        sub = load_seed(name)
        out = tmp_path / f"{name}-{project}.docx"
        write_report(sub, out, settings, project=project)
        findings = check_report(sub, out, settings)
        assert {f.rule for f in findings} == {"W609"}, (name, project, [f.message for f in findings if f.rule != "W609"])


# Seed 004's 附件3 (砂子塘街道 2020), as printed (shortened prose between the figures).
SEED004_REPORT = [
    "二、部门整体预算支出情况",
    "2020年度街道整体支出5428.73万元，其中：一般公共服务支出1972.78万元，占总支出的36.34%；国防支出15万元，占总支出的0.28%；"
    "公共安全支出269万元，占总支出的4.95%；社会保障与就业支出1934.87万元，占总支出的35.64%；卫生健康支出117.22万元，"
    "占总支出的2.16%；城乡社区支出1119.86万元，占总支出的20.63%.",
    "2020年度基本支出决算数1895.61万元，占支出总额34.92%；主要用于2020年度人员工资福利支出1552.03万元、公用经费支出134.89万元、"
    "对个人和家庭的补助208.69万元。",
    "其中“三公”经费支出情况：“三公”经费决算数3.25万，上年决算数6.6万，同比减少50.8%。其中：因公出国（境）费用为0，与上年持平；"
    "公车费用决算数3.25万，上年决算数6.6万，同比减少50.8%；公务招待0万，与上年持平。",
    "办事处本级在职职工85人，公务招待费0万，人均支出0万/年。公车费用3.25万，上年决算数6.6万，同比减少50.8%。人均支出0.038万/年。"
    "会议费2.32万，上年决算数2.44万，同比减少4.9%。人均支出0.027万/年。培训费9.82万，上年决算数16.8万，同比减少41.5%。人均支出0.1155万/年。",
    "1、 项目资金支出决算数3533.12万元，占总支出的65.08%，其中：业务工作专项1902.77万元，运行维护专项1630.35万元。",
    "1、本年预算配置控制较好。财政供养人员控制在预算编制以内，编制内在职人员控制率为87%，小于100%；“三公”经费年终决算3.25万元，同比减少50.8%。",
]


def test_seed004_report_disagreements_are_each_named(tmp_path, settings):
    path = make_docx(tmp_path / "砂子塘.docx", SEED004_REPORT)
    findings = check_report(load_seed(SEED004), path, settings)
    assert rows(findings) == [
        ["W606", "第 2 段", "公共安全支出"],
        ["W603", "第 5 段", "培训费"],
        ["W603", "第 5 段", "培训费上年决算数"],
    ]
    share, training, training_prior = (f.message for f in findings)
    assert share == ("第 2 段写明公共安全支出 269 万元占总支出 4.95%，按 269 ÷ 5428.73 应为 4.96%。"
                     "原文：“公共安全支出269万元，占总支出的4.95%”")
    assert training == ("第 5 段写明培训费 9.82 万元，基础数据表“会议费、培训费”的本年决算数（合为一行，任一项不应超过）为 2.32 万元。"
                        "原文：“培训费9.82万，上年决算数16.8万，同比减少41.5%”")
    assert "培训费上年决算数 16.8 万元" in training_prior and "上年决算数（合为一行，任一项不应超过）为 2.44 万元" in training_prior
    assert all(f.severity.value == "错误" for f in findings)


# Seed 001 (伍家岭街道 2022): growth rates stated with both years' figures.
SEED001_GROWTH = [
    "2022年一般公共预算支出基本支出2400.49万元，比上年增加189.86万元，增长8.59%，增长的主要原因是：工作人员工资福利待遇按财政统一标准调整。",
    "2022年一般公共预算支出项目支出2910.23万元，比上年减少228.24万元，下降7.27%，下降的主要原因是：受疫情影响全面缩减项目支出。",
    "2022年政府性基金预算支出16万元，其中项目支出16万元，比上年增加9.51万元，增长146.45%，增长的主要原因是：政府性基金预算财政拨款收入增加。",
    "2022年国有资本经营预算支出38.45万元，比上年增加38.45万元，增长100%，增长的主要原因是：国有资本经营预算财政拨款收入增加。",
    "2022年其他支出72.55万元，比上年减少76.31万元，下降51.26%，下降的主要原因是：其他收入减少。",
]


def test_seed001_growth_rates_against_their_own_figures(settings):
    findings = check_paragraphs(Submission(), paragraphs_from_texts(SEED001_GROWTH), settings)
    assert rows(findings) == [["W607", "第 3 段", "项目支出"], ["W608", "第 4 段", "国有资本经营预算支出"]]
    assert findings[0].message.startswith("第 3 段写明项目支出增长 146.45%，按本年 16 万元、上年 6.49 万元计算应为增长 146.53%。")
    assert findings[1].message.startswith("第 4 段写明国有资本经营预算支出增长 100%，但上年数为 0，增长率无意义，不应填写。")


def test_growth_rate_from_last_years_basic_data_when_the_sentence_has_none(settings):
    sub = load_seed(SEED004)  # 三公经费 6.6 → 3.25 = −50.76%
    good = check_paragraphs(sub, paragraphs_from_texts(["“三公”经费年终决算3.25万元，同比减少50.8%。"]), settings)
    wrong = check_paragraphs(sub, paragraphs_from_texts(["“三公”经费年终决算3.25万元，同比减少48.9%。"]), settings)
    up = check_paragraphs(sub, paragraphs_from_texts(["“三公”经费年终决算3.25万元，同比增长50.8%。"]), settings)
    assert good == []
    assert rows(wrong) == rows(up) == [["W607", "第 1 段", "“三公”经费年终决算"]]
    assert "按本年 3.25 万元、上年 6.6 万元计算应为下降 50.76%" in up[0].message


def test_seed000_project_report_score_grade_and_rate(tmp_path, settings):
    """The 行政审批办 report as printed agrees (98 分); the same report with the slips the seed's
    tables carry (100 分, 91.74%) is named, in the project the paragraph is about."""
    sub = load_seed(SEED000)
    printed = ["2022 年度部门（单位）项目支出绩效评价自评报告",
               "街道行政审批办综合工作经费 186 万元专款专用，全部资金均通过部门分管领导、财务分管领导及办事处主任审批后支付。",
               "预算支出完成了 2022 年度行政审批办总体工作目标。2022 年度专项资金绩效评价自评得分 98 分。"]
    assert check_report(sub, make_docx(tmp_path / "a.docx", printed), settings) == []
    slipped = ["街道预留奖金 115.50 万元，全年执行数 105.95 万元，执行率 91.74%。",
               "2022 年度专项资金绩效评价自评得分 100 分，等级为良。",
               "街道行政审批办综合工作经费 168 万元专款专用。自评得分 100 分。"]
    findings = check_report(sub, make_docx(tmp_path / "b.docx", slipped), settings)
    assert rows(findings) == [["W604", "第 1 段", "预算执行率"], ["W602", "第 2 段", "等级"],
                              ["W603", "第 3 段", "街道行政审批办综合工作经费"], ["W601", "第 3 段", "自评得分"]]
    assert findings[0].message == ("第 1 段写明预算执行率 91.74%，按表格 全年执行数 105.95 ÷ 全年预算数 115.5 = 91.73%。"
                                   "原文：“街道预留奖金 115.50 万元，全年执行数 105.95 万元，执行率 91.74%”")
    assert "按项目支出绩效自评表「预留奖金」的得分 100 分应为“优”" in findings[1].message
    assert findings[2].message.startswith("第 3 段写明街道行政审批办综合工作经费 168 万元，项目支出绩效自评表「行政审批办综合工作经费」的")
    assert findings[3].message.startswith("第 3 段写明自评得分 100 分，项目支出绩效自评表「行政审批办综合工作经费」的总分为 98 分。")


def test_parts_must_add_up_to_their_total_and_tables_rows_are_read(tmp_path, settings):
    sub = load_seed(SEED004)
    path = make_docx(tmp_path / "c.docx",
                     ["项目资金支出决算数3533.12万元，其中：业务工作专项1902.77万元，运行维护专项1630.53万元。"],
                     table=[["项目", "金额"], ["“三公”经费决算数", "4.25万元"]])
    findings = check_report(sub, path, settings)
    assert rows(findings) == [["W605", "第 1 段", "项目资金支出决算数"], ["W603", "第 1 段", "运行维护专项"],
                              ["W603", "表 1 第 2 行", "“三公”经费决算数"]]
    assert findings[0].message.startswith("第 1 段：合计 3533.12 万元，所列分项 1902.77 + 1630.53 之和为 3533.3 万元。")
    assert findings[0].severity.value == "提示"


# Seed 003's report (王家河街道 2023), its figure sentences as printed.
SEED003_REPORT = [
    "王家河街道办事处现有在职编制职工 58 人，共有内设机构 14 个。",
    "2023 年保障单位机构正常运转、完成日常工作任务而发生的各项基本支出为 1023.74 万元，包括人员基本工资、津贴补贴等人员经费"
    "以及办公费、印刷费、水电费、办公设备购置等。“三公”经费为公务接待费共计 0 万元。",
    "2023 年本单位项目支出共 553.52 万元，均为代收代付区级专项资金，本次整体支出绩效评价中未填项目绩效表。",
    "2023 年本单位无政府性基金支出",
]


def test_seed003_printed_report_agrees_with_its_tables(settings):
    sub = load_seed(SEED003)
    assert check_paragraphs(sub, paragraphs_from_texts(SEED003_REPORT), settings) == []
    wrong = check_paragraphs(sub, paragraphs_from_texts(
        ["2023 年本单位项目支出共 535.52 万元，基本支出为 1023.74 万元，“三公”经费为公务接待费共计 9.63 万元。"]), settings)
    assert rows(wrong) == [["W603", "第 1 段", "本单位项目支出"], ["W603", "第 1 段", "“三公”经费为公务接待费"]]
    assert wrong[0].message == ("第 1 段写明本单位项目支出 535.52 万元，部门整体支出绩效自评表的项目支出为 553.52 万元。"
                                "原文：“2023 年本单位项目支出共 535.52 万元，基本支出为 1023.74 万元，“三公”经费为公务接待费共计 9.63 万元”")


def test_scoring_standards_quoted_in_a_report_are_not_figures(settings):
    standards = ["在职人员控制率≦100%计2分，每超出1%扣0.2分，扣完为止。",
                 "“三公经费”控制率100%以下（含）计2分，每超出1%扣0.15分，扣完为止。"]
    assert check_paragraphs(load_seed(SEED004), paragraphs_from_texts(standards), settings) == []
    stated = check_paragraphs(load_seed(SEED004), paragraphs_from_texts(["在职人员控制率为100%。"]), settings)
    assert [f.message for f in stated] == ["第 1 段写明人员控制率 100%，按表格 实际在职人数 48 ÷ 编制数 55 = 87.27%。原文：“在职人员控制率为100%”"]


def test_severity_override_and_switch_off(settings):
    quiet = settings.override({"severity": {"W606": "提示", "W608": "关闭"}})
    findings = check_paragraphs(Submission(), paragraphs_from_texts(
        ["总支出100万元，其中：A支出30万元，占总支出的40%；B支出70万元，占总支出的70%。",
         "C支出5万元，比上年增加5万元，增长100%。"]), quiet)
    assert rows(findings) == [["W606", "第 1 段", "A支出"]]
    assert findings[0].severity.value == "提示"


def test_validate_with_report_adds_the_findings(tmp_path, capsys):
    path = make_docx(tmp_path / "r.docx", SEED004_REPORT)
    assert main(["validate", str(DATA / SEED004), "--report", str(path), "--format", "json"]) == 1
    import json

    data = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["table"], f["row"]) for f in data["findings"] if f["rule"].startswith("W6")] == [
        ("W606", "自评报告", "第 2 段"), ("W603", "自评报告", "第 5 段"), ("W603", "自评报告", "第 5 段")]
    assert main(["validate", str(DATA / SEED004), "--report", str(tmp_path / "无.docx")]) == 2
    assert capsys.readouterr().err.strip() == f"错误：找不到报告文件 {tmp_path / '无.docx'}。"
    (tmp_path / "旧.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    assert main(["validate", str(DATA / SEED004), "--report", str(tmp_path / "旧.doc")]) == 2
    assert "旧版 Word 格式（.doc），请在 Word 中另存为 .docx" in capsys.readouterr().err
    (tmp_path / "坏.docx").write_bytes(b"not a zip")
    with pytest.raises(ReportReadError) as err:
        check_report(load_seed(SEED004), tmp_path / "坏.docx", Settings.default())
    assert str(err.value) == "无法读取报告 坏.docx：不是有效的 .docx 文件（Word 中另存为 .docx 后再试）。"


def test_rules_lists_the_report_rules(capsys):
    assert main(["rules", "W608"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("W608 上年为 0 时写了增长率（默认：错误；适用：自评报告（与表格核对））")
    assert main(["rules"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert [c for c in listed if c.startswith("W6")] == [f"W60{i}" for i in range(1, 10)]


# ---------------------------------------------------------------- the .docx as printed


def test_drafted_docx_has_word_tables_no_rule_codes_no_empty_enumeration(settings, tmp_path):
    sub = load_seed(SEED003)
    sub.unit.unit_name = "岳阳市岳阳楼区王家河街道办事处" + "（虚构的很长的单位名称）" * 30  # over 255 characters
    out = tmp_path / "报告.docx"
    write_report(sub, out, settings)
    doc = Document(out)
    assert len(doc.core_properties.title) == 255
    budget, indicators = doc.tables
    assert [c.text for c in budget.rows[0].cells] == ["资金", "年初预算数", "全年预算数", "全年执行数", "执行率"]
    assert [c.text for c in budget.rows[1].cells] == ["年度资金总额", "956.66", "1577.26", "1577.26", "100.00%"]
    assert [c.text for c in indicators.rows[0].cells][:3] == ["一级指标", "二级指标", "三级指标"]
    assert len(indicators.rows) == 1 + 25
    text = "\n".join(p.text for p in doc.paragraphs)
    assert not RULE_CODE.search(text) and "[错误]" not in text
    assert "共0个" not in text.replace(" ", "")


def test_a_table_with_every_indicator_at_full_marks_has_no_empty_enumeration(settings):
    sub = load_seed(SEED003)
    for indicator in sub.department.indicators:
        indicator.score = indicator.points
    blocks, _ = draft_report(sub, settings)
    text = body(blocks)
    assert "各项绩效指标均取得满分。" in text and "未取得满分的绩效指标共" not in text
