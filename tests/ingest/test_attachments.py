"""Word and PDF attachments, made here: text in reading order, running headers and page numbers gone,
scans and old formats rejected with a reason that says what to do."""

from __future__ import annotations

import io

import numpy as np
import pytest

from pipeline.ingest import ingest
from pipeline.ingest.attachments import read_docx, read_pdf

VILLAGES = {1: "甲村", 2: "乙村", 3: "丙村"}
BODY = ["近年来，县委坚持以党建引领脱贫攻坚，把基层党组织建设作为打赢脱贫攻坚战的关键，",
        "选派第一书记驻村帮扶，推行党支部+合作社+农户模式，带动建档立卡贫困户1200余户增收。"]


def docx_bytes() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("镇宁县抓党建促脱贫的经验")
    document.add_paragraph("一、主要做法")
    document.add_paragraph("".join(BODY))
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(table.rows, [("村名", "贫困户"), ("甲村", "120户"), ("乙村", "85户")]):
        for cell, value in zip(row.cells, cells):
            cell.text = value
    document.add_paragraph("二、主要成效")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(pages: int = 3, scanned: bool = False) -> bytes:
    """A PDF of `pages` A4 pages: a running header, a page number, and a sentence broken across two lines."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    from pipeline.analyze import figures

    buffer = io.BytesIO()
    with matplotlib.rc_context(figures.cjk_rc(figures.register_cjk_font())), PdfPages(buffer) as pdf:
        for n in range(1, pages + 1):
            fig = figures._figure(8.27, 11.69)
            if scanned:
                fig.add_subplot().imshow(np.random.default_rng(n).random((40, 30)))
            else:
                fig.text(0.1, 0.95, "某县党建工作经验汇编（内部资料）", fontsize=9)
                fig.text(0.1, 0.85, f"（{n}）第{n}项做法", fontsize=11)
                fig.text(0.1, 0.80, BODY[0], fontsize=11)
                fig.text(0.1, 0.77, BODY[1], fontsize=11)
                fig.text(0.1, 0.74, f"{VILLAGES[n]}的做法写进了县里的工作方案。", fontsize=11)
                fig.text(0.5, 0.03, f"- {n} -", fontsize=9)
            pdf.savefig(fig)
    return buffer.getvalue()


def test_a_word_file_keeps_paragraphs_and_table_rows_in_reading_order():
    text, reason = read_docx(docx_bytes())
    assert reason is None
    assert text.split("\n") == ["镇宁县抓党建促脱贫的经验", "一、主要做法", "".join(BODY), "村名\t贫困户", "甲村\t120户", "乙村\t85户",
                                "二、主要成效"]


def test_a_pdf_loses_its_running_header_and_page_numbers_and_keeps_its_paragraphs_whole():
    text, reason = read_pdf(pdf_bytes())
    assert reason is None
    lines = text.split("\n")
    assert "某县党建工作经验汇编（内部资料）" not in text and not any(line.strip().startswith("-") for line in lines)
    assert lines[:2] == ["（1）第1项做法", "".join(BODY)]  # the two layout lines are one sentence again
    assert lines.count("".join(BODY)) == 3 and lines[2] == "甲村的做法写进了县里的工作方案。"


def test_a_scan_without_a_text_layer_is_rejected_with_what_to_do():
    text, reason = read_pdf(pdf_bytes(pages=2, scanned=True))
    assert text is None and reason.startswith("scanned PDF without a text layer") and "OCR" in reason


@pytest.mark.parametrize("data", [b"%PDF-1.4 broken", b"PK\x03\x04broken"], ids=["pdf", "docx"])
def test_damaged_attachments_are_rejected_not_raised(data):
    reader = read_pdf if data.startswith(b"%PDF") else read_docx
    text, reason = reader(data)
    assert text is None and reason.startswith("unreadable")


def test_a_corpus_of_attachments_becomes_documents(tmp_path, resources):
    (tmp_path / "经验.docx").write_bytes(docx_bytes())
    (tmp_path / "汇编.pdf").write_bytes(pdf_bytes())
    (tmp_path / "扫描件.pdf").write_bytes(pdf_bytes(pages=2, scanned=True))
    tables = ingest(tmp_path, resources)
    status = dict(zip(tables.manifest["source"], tables.manifest["status"]))
    assert status == {"经验.docx": "accepted", "汇编.pdf": "accepted", "扫描件.pdf": "rejected"}
    docs = tables.documents.set_index("source")
    assert docs.loc["经验.docx", "title"] == "镇宁县抓党建促脱贫的经验" and "甲村\t120户" in docs.loc["经验.docx", "text"]


def test_a_corpus_of_unreadable_attachments_runs_through_segment(tmp_path, resources):
    from pipeline.segment import segment

    (tmp_path / "a.pdf").write_bytes(pdf_bytes(pages=2, scanned=True))
    (tmp_path / "b.docx").write_bytes(b"PK\x03\x04broken")
    tables = ingest(tmp_path, resources)
    assert tables.manifest["status"].tolist() == ["rejected", "rejected"] and tables.documents.empty
    assert segment(tables.documents, resources, places=tables.places).measures.empty


def test_an_old_word_file_goes_through_libreoffice_when_it_is_installed(tmp_path, monkeypatch, resources):
    """LibreOffice is not installed here: a stand-in `soffice` on PATH does what it does (writes NAME.docx
    into --outdir), so the call, the output lookup and the reading of the converted file are tested."""
    converted = tmp_path / "converted.docx"
    converted.write_bytes(docx_bytes())
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    soffice = bin_dir / "soffice"
    soffice.write_text("#!/bin/sh\n# soffice --headless --convert-to docx --outdir DIR FILE\n"
                       f'name=$(basename "$6"); cp "{converted}" "$5/${{name%.*}}.docx"\n')
    soffice.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "老材料.doc").write_bytes(b"\xd0\xcf\x11\xe0 an OLE2 Word file")
    tables = ingest(corpus, resources)
    assert tables.manifest["status"].tolist() == ["accepted"]
    assert tables.documents["title"].tolist() == ["镇宁县抓党建促脱贫的经验"]


def test_without_libreoffice_an_old_word_file_is_rejected_with_the_command(tmp_path, monkeypatch, resources):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice, no libreoffice
    (tmp_path / "老材料.wps").write_bytes(b"\xd0\xcf\x11\xe0 a WPS file")
    reason = ingest(tmp_path, resources).manifest["reason"].iloc[0]
    assert reason.startswith("old Word format (.wps)") and "soffice --headless --convert-to docx" in reason
