"""A .zip in the roll-up folder is read as a folder of submissions: in memory, each member checked."""

import json
import zipfile

import pytest

from perfeval_xl.cli import main
from perfeval_xl.rollup import discover, rollup
from perfeval_xl.rollup.discover import discover_paths
from perfeval_xl.rollup.zipintake import MAX_MEMBERS, member_name

from .conftest import ROOT

EXAMPLES = ROOT / "examples" / "报送" / "岳麓区"
PINGTANG = "坪塘街道（虚构）2022年度绩效自评.xlsx"
LUGU = "麓谷街道（虚构）2022年度绩效自评.xlsx"
BOMB = "解压后过大，疑似“压缩炸弹”，未解压即拒绝读取（压缩比 1026:1，上限 200:1）"


class GbkInfo(zipfile.ZipInfo):
    """A member name stored as GBK bytes without the UTF-8 flag, as Windows zip tools in China write it."""

    __slots__ = ()

    def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's name
        return self.filename.encode("cp437"), self.flag_bits


def gbk_member(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = GbkInfo(name.encode("gbk").decode("cp437"), date_time=(2023, 3, 1, 9, 30, 0))
    archive.writestr(info, data, zipfile.ZIP_DEFLATED)


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "报送"
    (d / "收件").mkdir(parents=True)
    with zipfile.ZipFile(d / "收件" / "群文件.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(EXAMPLES / PINGTANG, f"岳麓区/{PINGTANG}")
        gbk_member(z, LUGU, (EXAMPLES / LUGU).read_bytes())
        z.writestr("../../逃逸.xlsx", b"x")  # path traversal: refused, never followed
        z.writestr("/etc/绝对.xlsx", b"x")
        z.writestr("炸弹.xlsx", b"\0" * (5 * 2**20))  # 5 MB of zeros in ~5 KB
        z.writestr("说明.docx", b"not a workbook, and not offered: as in a folder")
        z.writestr("假的.xlsx", b"hello")  # offered, but not a workbook
        z.writestr("__MACOSX/岳麓区/._坪塘.xlsx", b"resource fork")
        inner = tmp_path / "inner.zip"
        with zipfile.ZipFile(inner, "w") as i:
            i.write(EXAMPLES / PINGTANG, "a.xlsx")
        z.write(inner, "内层.zip")
    (d / "坏.zip").write_bytes(b"PK\x03\x04 cut off while downloading")
    with zipfile.ZipFile(d / "只有PDF.zip", "w") as z:
        z.writestr("通知.pdf", b"%PDF")
    return d


def test_discovery_lists_members_as_paths_inside_the_archive(folder):
    found = [p.relative_to(folder).as_posix() for p in discover(folder)]
    assert found == sorted([
        "只有PDF.zip", "坏.zip",
        "收件/群文件.zip/‥/‥/逃逸.xlsx", "收件/群文件.zip/假的.xlsx", "收件/群文件.zip/内层.zip",
        f"收件/群文件.zip/岳麓区/{PINGTANG}", "收件/群文件.zip/炸弹.xlsx", "收件/群文件.zip/etc/绝对.xlsx",
        f"收件/群文件.zip/{LUGU}",
    ])


def test_discovery_as_strings_names_the_same_files_in_the_same_order(folder, monkeypatch):
    # the roll-up lists a province as strings (discover_paths); every other caller gets Paths
    assert discover_paths(folder) == [str(p) for p in discover(folder)]
    monkeypatch.chdir(folder)  # "." as the folder: no "./" prefix, as str(Path) gives
    assert discover_paths(".") == [str(p) for p in discover(".")]
    assert discover_paths(".")[0] == "只有PDF.zip"


def test_gbk_names_are_read_as_the_sender_wrote_them(folder):
    with zipfile.ZipFile(folder / "收件" / "群文件.zip") as z:
        names = [member_name(i) for i in z.infolist()]
    assert LUGU in names and PINGTANG not in names  # (that one sits in 岳麓区/)


def test_rollup_reads_members_in_memory_and_lists_the_rest_as_unreadable(folder, tmp_path, capsys):
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    code = main(["rollup", str(folder), "-o", str(tmp_path / "区汇总.xlsx"), "--jobs", "2",
                 "--json", str(tmp_path / "r.json")])
    out, err = capsys.readouterr()
    assert code == 5
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    status = {f["path"]: f["status"] for f in doc["submissions"]}
    assert status == {
        "只有PDF.zip": "unreadable", "坏.zip": "unreadable",
        "收件/群文件.zip/‥/‥/逃逸.xlsx": "unreadable", "收件/群文件.zip/假的.xlsx": "unreadable",
        "收件/群文件.zip/内层.zip": "unreadable", f"收件/群文件.zip/岳麓区/{PINGTANG}": "ok",
        "收件/群文件.zip/炸弹.xlsx": "unreadable", "收件/群文件.zip/etc/绝对.xlsx": "unreadable",
        f"收件/群文件.zip/{LUGU}": "ok",
    }
    units = {f["unit"]: f["sha256"] for f in doc["submissions"] if f["status"] == "ok"}
    assert len(units) == 2 and all(len(h) == 64 for h in units.values())
    reasons = sorted(line for line in err.splitlines())
    assert reasons == sorted([
        "未能读取：只有PDF.zip：压缩包中没有找到 .xlsx / .xlsm 工作簿",
        "未能读取：坏.zip：压缩包已损坏或不完整（可能在下载时被截断），无法读取；请重新获取后再放入文件夹",
        "未能读取：群文件.zip/‥/‥/逃逸.xlsx：压缩包中的文件名不安全（含“..”或绝对路径），疑似恶意构造，未读取",
        "未能读取：群文件.zip/etc/绝对.xlsx：压缩包中的文件名不安全（含“..”或绝对路径），疑似恶意构造，未读取",
        "未能读取：群文件.zip/假的.xlsx：不是有效的 Excel 工作簿（文件已损坏，或并非 .xlsx 格式）",
        "未能读取：群文件.zip/内层.zip：是压缩包中的压缩包，不展开读取；请先解压外层压缩包，再把其中的压缩包放入文件夹",
        f"未能读取：群文件.zip/炸弹.xlsx：{BOMB}",
    ])
    # nothing was extracted: the folder holds exactly what it held
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert not (tmp_path / "逃逸.xlsx").exists() and not (tmp_path.parent / "逃逸.xlsx").exists()
    assert "坪塘街道（虚构）" in out and "麓谷街道（虚构）" in out


def test_a_member_is_checked_with_the_rules_files_limits(folder, tmp_path):
    rules = tmp_path / "区.toml"
    rules.write_text("[limits]\nfile_mb = 0.01\n", encoding="utf-8")
    from perfeval_xl.core.settings import Settings

    result = rollup(folder, tmp_path / "区汇总.xlsx", jobs=1, settings=Settings.load(str(rules)))
    reasons = dict(result.unreadable)
    size = (EXAMPLES / PINGTANG).stat().st_size / 2**20
    assert reasons[f"收件/群文件.zip/岳麓区/{PINGTANG}"] == (
        f"群文件.zip/岳麓区/{PINGTANG}：文件过大（解压后 {size:.1f} MB，上限 0.01 MB），拒绝读取")
    assert result.units == 0  # nothing is readable under such a limit


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_header_that_lies_about_the_size_is_caught(tmp_path, method):
    folder = tmp_path / "报送"
    folder.mkdir()
    data = (EXAMPLES / PINGTANG).read_bytes()
    with zipfile.ZipFile(folder / "a.zip", "w", method) as z:
        z.writestr("坪塘.xlsx", data)
    raw = bytearray((folder / "a.zip").read_bytes())
    # declare 1 000 bytes less in the central directory than the member holds
    at = raw.rindex(b"PK\x01\x02")
    size = int.from_bytes(raw[at + 24:at + 28], "little")
    raw[at + 24:at + 28] = (size - 1000).to_bytes(4, "little")
    (folder / "a.zip").write_bytes(bytes(raw))
    result = rollup(folder, tmp_path / "区汇总.xlsx", jobs=1)
    (path, reason), = result.unreadable
    assert (path, reason) == ("a.zip/坪塘.xlsx", "a.zip/坪塘.xlsx：解压后的内容与压缩包的记录不符（大小或校验和），"
                                                 "文件已损坏或被恶意构造，拒绝读取")


def test_too_many_members_is_refused_without_listing_them(tmp_path, monkeypatch):
    import perfeval_xl.rollup.zipintake as zipintake

    monkeypatch.setattr(zipintake, "MAX_MEMBERS", 3)
    folder = tmp_path / "报送"
    folder.mkdir()
    with zipfile.ZipFile(folder / "多.zip", "w") as z:
        for i in range(4):
            z.writestr(f"{i}.xlsx", b"x")
    zipintake._entries.cache_clear()
    result = rollup(folder, tmp_path / "区汇总.xlsx", jobs=1)
    assert result.unreadable == [("多.zip", "多.zip：压缩包中的文件过多（4 个，上限 3），拒绝读取")]
    assert MAX_MEMBERS == 10_000


def test_validate_on_a_zip_points_to_rollup(folder, capsys):
    code = main(["validate", str(folder / "收件" / "群文件.zip")])
    assert code == 2
    assert capsys.readouterr().err == ("错误：群文件.zip：是压缩包；请解压后逐份校验其中的工作簿"
                                       "（区汇总 rollup 可直接读取文件夹中的压缩包）\n")
