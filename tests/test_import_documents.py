"""``budget-site import`` of the departments' own files: Word (.docx) and PDF.

The fixtures in ``tests/fixtures/documents/`` were written with python-docx in
the department layout and exported to PDF by LibreOffice
(``tests/fixtures/make_documents.py``); each must import to the data it was
made from, field by field. Hostile and broken files are refused with a
Chinese message naming the file, nothing written, no traceback.
"""

from __future__ import annotations

import os
import pty
import re
import resource
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pdfplumber
import pytest
from pypdf import PdfWriter

from budget_site.importer import import_document, parse_document, render_yaml, write_unit
from budget_site.importer.characters import ideographs
from budget_site.lint import lint_unit
from budget_site.loading import build_unit, load_unit

from conftest import REFERENCE_TEXT, ROOT
from utils import assert_same, load_expected, write_zip_bomb

CLI = Path(sys.executable).with_name("budget-site")
DOCUMENTS = ROOT / "tests" / "fixtures" / "documents"
BROKEN = DOCUMENTS / "broken"
REFERENCE_DATA = ROOT / "data" / "2023" / "230001.yaml"
NAMES = sorted(p.stem for p in DOCUMENTS.glob("*.docx"))
CASES = [(name, kind) for name in NAMES for kind in ("docx", "pdf")]


def expected_data(name: str):
    """The data a fixture was made from; a text fixture's unplaced lines are not in the Word file."""
    source = REFERENCE_DATA if name == "2023-boye-xinfangju" else DOCUMENTS / f"{name}.expected.yaml"
    return replace(load_expected(source), unplaced=())


def run(*args: str, cwd: Path = ROOT, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), *args], cwd=cwd, capture_output=True, text=True, timeout=300, **kwargs)


# --------------------------------------------------------------------------- the fixtures import to their data


def test_the_fixtures_are_varied():
    assert len(NAMES) >= 6 and "2023-boye-xinfangju" in NAMES
    counts = sorted(len(expected_data(name).projects) for name in NAMES)
    assert counts[0] == 1 and counts[-1] == 6
    yaml_text = "".join(p.read_text("utf-8") for p in DOCUMENTS.glob("*.expected.yaml"))
    for value in ("≥31000人", "≤30天", "小学1000元、初中1250元", "生态效益指标"):
        assert value in yaml_text
    assert any(p.budget.other for name in NAMES for p in expected_data(name).projects)
    widths = {tuple(c.width for c in docx.Document(str(DOCUMENTS / f"{name}.docx")).tables[0].columns)
              for name in NAMES}
    assert len(widths) == len(NAMES)  # column widths differ between documents


@pytest.mark.parametrize(("name", "kind"), CASES)
def test_each_document_gives_the_data_it_was_made_from(name, kind):
    imported = import_document(DOCUMENTS / f"{name}.{kind}")
    assert "unplaced" not in imported.data, imported.data.get("unplaced")
    assert_same(build_unit(imported.data), expected_data(name))


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_the_reference_imports_exactly_and_quietly(kind, tmp_path):
    imported = import_document(DOCUMENTS / f"2023-boye-xinfangju.{kind}")
    assert imported.warnings == []
    path = write_unit(imported, tmp_path)
    unit, problems = load_unit(path, 2023)
    assert problems == []
    assert_same(replace(unit, source=None), replace(load_expected(REFERENCE_DATA), source=None))


BROWSER = sorted((DOCUMENTS / "browser").glob("*.pdf"))


@pytest.mark.parametrize("source", BROWSER, ids=[p.stem for p in BROWSER])
def test_another_producers_pdf_gives_the_same_data(source):
    """The same documents printed to PDF by Chromium (Skia): another text layer
    (Kangxi radicals for 一, 人, 工…), table lines and page breaks (no rule
    where a break cuts a table) than LibreOffice's, and the same data."""
    with pdfplumber.open(source) as pdf:
        assert "Skia" in pdf.metadata.get("Producer", "")
    imported = import_document(source)
    assert "unplaced" not in imported.data and imported.warnings == []
    assert any("部首字符" in note for note in imported.notes)
    assert_same(build_unit(imported.data), expected_data(source.stem))


def test_the_pdf_layout_the_reader_must_handle():
    """The fixtures carry what a department's PDF carries: page numbers in the
    footer, a table crossing a page break, several projects on one page."""
    with pdfplumber.open(DOCUMENTS / "2025-gaoyang-danganguan.pdf") as pdf:
        texts = [page.extract_text() for page in pdf.pages]
    assert any(text.count("绩效目标表") >= 2 for text in texts[2:])  # several projects on one page
    with pdfplumber.open(DOCUMENTS / "2024-shunping-tuanwei.pdf") as pdf:  # its long table crosses a page break
        assert [len(page.find_tables()) for page in pdf.pages][-2:] == [1, 1]
    assert all(text.rstrip().endswith("-") for text in texts[1:])  # "- 3 -" in the footer
    imported = import_document(DOCUMENTS / "2025-gaoyang-danganguan.pdf")
    assert any("页码" in note for note in imported.notes)
    assert "页码" in render_yaml(imported)


def test_a_row_broken_across_pages_is_joined_with_a_warning():
    """LibreOffice, like Word, lets a row break across a page; the fixtures
    have such rows, and still give their data (test above), with a warning."""
    warnings = [w for name in NAMES for w in import_document(DOCUMENTS / f"{name}.pdf").warnings]
    joined = [w.message for w in warnings if "跨页断开" in w.message]
    assert joined and all(m.startswith("第 ") and "页第 1 行：" in m for m in joined)


def test_word_list_numbering_is_read_though_not_in_the_text():
    document = docx.Document(str(DOCUMENTS / "2022-lixian-jiaoyuju.docx"))
    numbered = [p for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
    assert numbered and not any(p.text[:1].isdigit() for p in numbered)
    imported = import_document(DOCUMENTS / "2022-lixian-jiaoyuju.docx")
    assert [g["title"] for g in imported.data["itemised_goals"]] == [
        g.title for g in expected_data("2022-lixian-jiaoyuju").itemised_goals]


def test_a_word_toc_field_is_the_table_of_contents():
    document = docx.Document(str(DOCUMENTS / "2023-tangxian-huanjingju.docx"))
    assert "TOC" in "".join(document.element.body.itertext())
    assert import_document(DOCUMENTS / "2023-tangxian-huanjingju.docx").warnings == []


def test_an_unplaced_line_of_a_word_file_says_where_it_is(tmp_path):
    document = docx.Document(str(DOCUMENTS / "2023-boye-xinfangju.docx"))
    heading = next(p for p in document.paragraphs if p.text == "一、总体绩效目标")
    heading.insert_paragraph_before("（本文本经局党组会议审议通过）")
    source = tmp_path / "stray.docx"
    document.save(str(source))
    imported = import_document(source)
    [item] = imported.data["unplaced"]
    assert item["text"] == "（本文本经局党组会议审议通过）" and re.fullmatch(r"第 \d+ 段", item["where"])
    assert str(imported.warnings[0]).startswith(f"{source}: 警告: {item['where']}：")
    unit, problems = load_unit(write_unit(imported, tmp_path / "data"), 2023)
    assert problems == [] and unit.unplaced[0].where == item["where"]
    assert any(f"（{item['where']}）" in warning.message for warning in lint_unit(unit))


def test_word_numbering_formats_as_word_shows_them(tmp_path):
    """Chinese counting ("一、"), restarts, and lists that share a definition and count on."""
    from docx.oxml import parse_xml

    document = docx.Document()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="907"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        f'<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        f'<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%2）"/></w:lvl>'
        f'</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {w} w:numId="970"><w:abstractNumId w:val="907"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {w} w:numId="971"><w:abstractNumId w:val="907"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {w} w:numId="972"><w:abstractNumId w:val="907"/><w:lvlOverride w:ilvl="0">'
                               f'<w:startOverride w:val="1"/></w:lvlOverride></w:num>'))
    for num, level, text in [(970, 0, "总体"), (970, 1, "甲"), (970, 1, "乙"), (971, 0, "分项"), (970, 0, "保障"),
                             (972, 0, "重来")]:
        paragraph = document.add_paragraph(text)
        properties = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        properties.get_or_add_ilvl().val = level
        properties.get_or_add_numId().val = num
    source = tmp_path / "numbers.docx"
    document.save(str(source))
    from budget_site.importer.docx import read_docx

    texts = [block.text for block in read_docx(source).blocks]
    assert texts == ["一、总体", "（1）甲", "（2）乙", "二、分项", "三、保障", "一、重来"]


def test_a_new_format_needs_only_a_reader(tmp_path, monkeypatch):
    """How the workbook importer will plug in: a function Path -> SourceDocument for an extension."""
    from budget_site import importer

    monkeypatch.setattr(importer, "READERS", dict(importer.READERS))
    importer.register_reader(".MD", lambda path: importer.text_document(path.read_text("utf-8"), path))
    source = tmp_path / "reference.md"
    source.write_text(REFERENCE_TEXT.read_text("utf-8"), encoding="utf-8")
    assert_same(build_unit(import_document(source).data), load_expected(REFERENCE_DATA))


# --------------------------------------------------------------------------- look-alike characters


def test_radical_look_alikes_become_the_ideographs_readers_type():
    assert ideographs("⽬录⻔⻓⻣") == ("目录门长骨", {"⽬": "目", "⻔": "门", "⻓": "长", "⻣": "骨"})
    assert ideographs("部门整体绩效目标") == ("部门整体绩效目标", {})


def test_a_text_layer_of_look_alikes_imports_to_the_same_data():
    text = REFERENCE_TEXT.read_text("utf-8").replace("目", "⽬").replace("门", "⻔")
    imported = parse_document(text, Path("kangxi.txt"))
    assert_same(build_unit(imported.data), load_expected(REFERENCE_DATA))
    header = render_yaml(imported).split("year:")[0]
    assert "“⻔”→“门”" in header and "“⽬”→“目”" in header


def test_the_command_says_when_look_alikes_were_replaced(tmp_path):
    source = tmp_path / "kangxi.txt"
    source.write_text(REFERENCE_TEXT.read_text("utf-8").replace("目", "⽬"), encoding="utf-8")
    result = run("import", str(source), "--data", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    assert f"{source}: 说明: 原文的文字层用了字形相同的部首字符，已换成通用汉字：“⽬”→“目”" in result.stderr


# --------------------------------------------------------------------------- refusals


def limited(megabytes: int):
    """Run a child under an address-space limit, so a file that would blow up memory fails the test."""
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))
    return apply


def refused(tmp_path: Path, source: Path, reason: str) -> subprocess.CompletedProcess:
    data = tmp_path / "data"
    started = time.monotonic()
    result = run("import", str(source), "--data", str(data), preexec_fn=limited(1024))
    assert time.monotonic() - started < 60
    assert result.returncode == 1, result.stderr
    assert not data.exists(), "nothing may be written for a refused document"
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert result.stderr.startswith(f"{source}: 错误: ") and reason in result.stderr, result.stderr
    return result


def test_a_scanned_pdf_is_refused(tmp_path):
    refused(tmp_path, BROKEN / "scanned.pdf", "没有文字层")
    assert "OCR" in run("import", str(BROKEN / "scanned.pdf"), "--data", str(tmp_path / "d")).stderr


def test_an_encrypted_pdf_is_refused(tmp_path):
    refused(tmp_path, BROKEN / "encrypted.pdf", "设置了密码")


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_a_truncated_file_is_refused(tmp_path, kind):
    whole = (DOCUMENTS / f"2023-boye-xinfangju.{kind}").read_bytes()
    source = tmp_path / f"cut.{kind}"
    source.write_bytes(whole[: len(whole) // 2])
    refused(tmp_path, source, "已损坏或不完整")


def test_a_docx_with_a_broken_part_is_refused(tmp_path):
    source = tmp_path / "broken.docx"
    with zipfile.ZipFile(DOCUMENTS / "2023-boye-xinfangju.docx") as original, zipfile.ZipFile(source, "w") as copy:
        for entry in original.infolist():
            content = original.read(entry)
            copy.writestr(entry, content[:200] if entry.filename == "word/document.xml" else content)
    refused(tmp_path, source, "Word 文件已损坏")


@pytest.mark.parametrize("name", ["old.doc", "old.wps"])
def test_old_binary_word_and_wps_files_are_refused(tmp_path, name):
    source = tmp_path / name
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    result = refused(tmp_path, source, "二进制格式")
    assert "另存为" in result.stderr and ".docx" in result.stderr


@pytest.mark.parametrize(("fixture", "name", "kind"), [
    ("2023-boye-xinfangju.docx", "博野.doc", "Word 文档（.docx）"),
    ("2023-boye-xinfangju.docx", "博野.wps", "Word 文档（.docx）"),
    ("2023-boye-xinfangju.pdf", "博野.docx", "PDF 文件"),
    ("browser/2023-boye-xinfangju.pdf", "博野.xlsx", "PDF 文件"),
    ("2022-lixian-jiaoyuju.txt", "蠡县.pdf", "文字文件（.txt）"),
])
def test_a_document_under_another_name_imports_as_what_it_is(tmp_path, fixture, name, kind):
    """Decided by the file's own bytes: the data is the same, and the wrong extension is said."""
    source = tmp_path / name
    source.write_bytes((DOCUMENTS / fixture).read_bytes())
    result = run("import", str(source), "--data", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    suffix = {"Word 文档（.docx）": ".docx", "PDF 文件": ".pdf", "文字文件（.txt）": ".txt"}[kind]
    assert (f"{source}: 说明: 文件扩展名是“{source.suffix}”，但内容是{kind}，已按{kind}导入；"
            f"请把文件改名为“{source.stem}{suffix}”") in result.stderr
    stem = Path(fixture).stem
    unit, problems = load_unit(Path(result.stdout.strip()), int(stem[:4]))
    assert problems == [] and unit is not None
    assert_same(replace(unit, source=None, unplaced=()), expected_data(stem))


@pytest.mark.parametrize(("name", "reason"), [
    ("博野.docx", "文件扩展名是“.docx”，但内容是旧版 Word（.doc）二进制文件：这是旧版 Word（.doc）"),
    ("博野.pdf", "文件扩展名是“.pdf”，但内容是旧版 Word（.doc）二进制文件：这是旧版 Word（.doc）"),
    ("博野.doc", "这是旧版 Word（.doc）或 WPS（.wps）的二进制格式"),
])
def test_a_real_old_word_file_is_told_whatever_its_name(tmp_path, name, reason):
    """``binary/2023-boye-xinfangju.doc``: the reference saved as Word 97-2003 by LibreOffice
    (``soffice --headless --convert-to doc``)."""
    source = tmp_path / name
    source.write_bytes((DOCUMENTS / "binary" / "2023-boye-xinfangju.doc").read_bytes())
    result = refused(tmp_path, source, reason)
    assert "“另存为”Word 文档（.docx）" in result.stderr


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("photo.pdf", b"\x89PNG\r\n\x1a\n" + bytes(500), "PDF 文件已损坏"),
    ("sheet.docx", None, "扩展名是“.docx”，但内容是Excel 工作簿（.xlsx）：工作簿已损坏"),
    ("notes.docx", "word", "不是部门预算绩效文本"),
])
def test_files_that_are_no_such_document_are_refused(tmp_path, name, content, reason):
    source = tmp_path / name
    if content is None:  # a workbook renamed .docx
        with zipfile.ZipFile(source, "w") as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
    elif content == "word":  # a real Word file that is some other text
        document = docx.Document()
        document.add_paragraph("关于召开年度工作会议的通知")
        document.add_table(rows=2, cols=2).cell(0, 0).text = "时间"
        document.save(str(source))
    else:
        source.write_bytes(content)
    refused(tmp_path, source, reason)


def test_a_zip_bomb_is_refused_without_inflating_it(tmp_path):
    source = tmp_path / "bomb.docx"
    write_zip_bomb(DOCUMENTS / "2023-boye-xinfangju.docx", source, "word/media/padding.bin")
    assert source.stat().st_size < 2 << 20
    refused(tmp_path, source, "解压后过大")


def test_a_pdf_of_thousands_of_pages_is_refused(tmp_path):
    source = tmp_path / "pages.pdf"
    writer = PdfWriter()
    for _ in range(3000):
        writer.add_blank_page(595, 842)
    with source.open("wb") as out:
        writer.write(out)
    refused(tmp_path, source, "超过上限")


# --------------------------------------------------------------------------- a year's folder


def year_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "2024年报送"
    (folder / "乡镇").mkdir(parents=True)
    for name in ("2023-boye-xinfangju.pdf", "2022-lixian-jiaoyuju.docx"):
        (folder / name).write_bytes((DOCUMENTS / name).read_bytes())
    (folder / "乡镇" / "2025-gaoyang-danganguan.pdf").write_bytes((DOCUMENTS / "2025-gaoyang-danganguan.pdf")
                                                                .read_bytes())
    (folder / "乡镇" / "扫描件.pdf").write_bytes((BROKEN / "scanned.pdf").read_bytes())
    (folder / "说明.png").write_bytes(b"\x89PNG")  # not a document: not picked up
    return folder


def test_a_folder_is_imported_past_a_refused_document(tmp_path):
    folder = year_folder(tmp_path)
    data, report = tmp_path / "data", tmp_path / "审核.html"
    result = run("import", str(folder), "--data", str(data), "--report", str(report))
    assert result.returncode == 1, result.stderr  # one was refused
    assert sorted(p.relative_to(data).as_posix() for p in data.rglob("*.yaml")) == [
        "2022/405001.yaml", "2023/230001.yaml", "2025/520003.yaml"]
    assert "[1/4]" in result.stderr and "[4/4]" in result.stderr  # plain progress lines: not a terminal
    summary = result.stdout
    assert "共 4 份：导入 3 份，未导入 1 份。" in summary
    assert "扫描件.pdf  未导入：PDF 没有文字层" in summary
    assert "230001 博野县信访局" in summary
    assert "扫描件.pdf: 错误: PDF 没有文字层" in result.stderr
    html = report.read_text("utf-8")
    assert "博野县信访局" in html and "高阳县档案馆" in html
    assert run("check", "--data", str(data)).returncode == 0


def test_a_second_run_keeps_the_files_unless_forced(tmp_path):
    folder = year_folder(tmp_path)
    (folder / "乡镇" / "扫描件.pdf").unlink()
    data = tmp_path / "data"
    assert run("import", str(folder), "--data", str(data)).returncode == 0
    again = run("import", str(folder), "--data", str(data))
    assert again.returncode == 1 and again.stdout.count("文件已存在") == 3
    assert run("import", str(folder), "--data", str(data), "--force").returncode == 0


def test_the_same_unit_twice_in_one_run_is_not_overwritten(tmp_path):
    data = tmp_path / "data"
    result = run("import", str(DOCUMENTS / "2023-boye-xinfangju.docx"), str(DOCUMENTS / "2023-boye-xinfangju.pdf"),
                 "--data", str(data), "--force")
    assert result.returncode == 1
    assert "是同一单位（230001）同一年度（2023），没有覆盖" in result.stderr


def test_a_terminal_gets_a_progress_bar(tmp_path):
    folder = year_folder(tmp_path)
    leader, follower = pty.openpty()
    try:
        result = subprocess.run([str(CLI), "import", str(folder), "--data", str(tmp_path / "data")], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=follower, text=True, timeout=300)
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    text = shown.decode("utf-8", "replace")
    assert result.returncode == 1
    assert "\r导入 [" in text and "4/4" in text and "[1/4]" not in text
    assert "共 4 份：导入 3 份，未导入 1 份。" in result.stdout
