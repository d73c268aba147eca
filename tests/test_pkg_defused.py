"""defusedxml earns its place: the .docx read by `validate --report` is screened before python-docx."""

import zipfile

from perfeval_xl.cli import main
from perfeval_xl.exitcodes import FINDINGS, UNUSABLE_INPUT
from perfeval_xl.report.extract import read_paragraphs
from tests.conftest import ROOT

YANGHU = ROOT / "examples/报送/岳麓区/洋湖街道2022年度项目支出绩效自评表.xlsx"
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "haha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
          b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
          b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
          b'<w:t>&c;</w:t></w:r></w:p></w:body></w:document>')


def _with_document_xml(source, target, document_xml: bytes):
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, document_xml if info.filename == "word/document.xml" else src.read(info))


def test_a_report_with_entity_declarations_is_refused_by_name(tmp_path, capsys):
    assert main(["report", str(YANGHU), "-o", str(tmp_path / "报告.docx")]) == 0
    assert len(read_paragraphs(tmp_path / "报告.docx")) > 50  # the genuine draft reads
    assert main(["validate", str(YANGHU), "--report", str(tmp_path / "报告.docx")]) == FINDINGS
    _with_document_xml(tmp_path / "报告.docx", tmp_path / "恶意.docx", LAUGHS)
    capsys.readouterr()
    assert main(["validate", str(YANGHU), "--report", str(tmp_path / "恶意.docx")]) == UNUSABLE_INPUT
    assert capsys.readouterr().err == ("错误：无法读取报告 恶意.docx：文件中含有 DTD 或实体声明（正常的 Word 文档没有），"
                                       "已拒绝读取；请在 Word 中另存为 .docx 后再核对。\n")
