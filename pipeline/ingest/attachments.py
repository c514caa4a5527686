"""Word and PDF attachments: 经验材料 circulate as .docx and .pdf files as often as web pages.

- .docx (python-docx): paragraphs and tables in reading order, a table row on one line with its cells
  separated by tabs (the text-table convention of boilerplate.split_lines).
- .pdf with a text layer (pypdf): pages joined; lines that repeat at the top or bottom of most pages
  (running headers and footers) and page-number lines dropped; the lines of one paragraph that the page
  layout broke are joined again. A PDF without a text layer (a scan) is rejected with that reason.
- .doc / .wps: converted with LibreOffice when it is installed, else rejected with the command to convert.

Each reader returns (text, None) or (None, reason); nothing raises for a bad file.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

# A line that is only a page number: 3, - 3 -, 第3页, 3/12, 第 3 页 共 12 页, Page 3.
PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|page\s*\d{1,4})\s*$",
                         re.IGNORECASE)
SENTENCE_END = re.compile(r"[。！？；：!?;:”」』）)]\s*$")
# A line that starts a heading or an item is never glued to the line before it.
ITEM_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.．、]|[①-⑳]|第[一二三四五六七八九十]+[,，、])")
MIN_LETTERS_PER_PAGE = 20  # fewer letters than this on average: a scan without a text layer
REPEAT_SHARE = 0.5  # a short first or last line on at least this share of the pages is a running header or footer
RUNNING_MAX_CHARS = 40
CONVERT_SECONDS = 120


def read_docx(data: bytes) -> tuple[str | None, str | None]:
    """The text of a .docx file: paragraphs and table rows in reading order."""
    try:
        from docx import Document
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        return None, f"unreadable Word file: {type(exc).__name__}"
    lines = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(element, document).text)
        elif tag == "tbl":
            for row in Table(element, document).rows:
                cells = [" ".join(c.text.split()) for c in row.cells]
                lines.append("\t".join(dict.fromkeys(cells)))  # merged cells repeat: keep each once
    text = "\n".join(line for line in lines if line.strip())
    return (text, None) if text.strip() else (None, "Word file without text")


def read_pdf(data: bytes) -> tuple[str | None, str | None]:
    """The text of a PDF with a text layer, without running headers, footers and page numbers."""
    try:
        from pypdf import PdfReader

        logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about a damaged file become our reason
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return None, "encrypted PDF: save an unprotected copy first"
        pages = [(page.extract_text() or "") for page in reader.pages]
    except Exception as exc:  # pypdf raises many kinds for a damaged file
        return None, f"unreadable PDF: {type(exc).__name__}"
    letters = sum(len(re.findall(r"[\u3400-\u9fffA-Za-z]", p)) for p in pages)
    if not pages or letters < MIN_LETTERS_PER_PAGE * len(pages):
        return None, "scanned PDF without a text layer: run OCR on it first (for example ocrmypdf) and add the result"
    return "\n".join(reflow(lines) for lines in without_running_lines([p.splitlines() for p in pages])), None


def without_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Pages without page-number lines and without lines repeated at the top or bottom of most pages."""
    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.strip())

    def edge(lines: list[str]) -> list[int]:
        """Indices of the first and last lines that are not page numbers."""
        kept = [i for i, line in enumerate(lines) if line.strip() and not PAGE_NUMBER.match(line)]
        return sorted({kept[0], kept[-1]}) if kept else []

    edges = Counter(key(lines[i]) for lines in pages for i in edge(lines) if len(lines[i].strip()) <= RUNNING_MAX_CHARS)
    running = {k for k, n in edges.items() if len(pages) >= 3 and n >= REPEAT_SHARE * len(pages)}
    return [[line for i, line in enumerate(lines)
             if line.strip() and not PAGE_NUMBER.match(line) and not (i in edge(lines) and key(line) in running)]
            for lines in pages]


def reflow(lines: list[str]) -> str:
    """A page's lines with the paragraph breaks of the layout undone: a full-width line that does not end a
    sentence runs on into the next line unless that one starts an item."""
    if not lines:
        return ""
    full = sorted(len(line.strip()) for line in lines)[int(0.8 * (len(lines) - 1))]
    out = [lines[0].strip()]
    for line in lines[1:]:
        line = line.strip()
        previous = out[-1]
        if len(previous) >= 0.8 * full and full >= 10 and not SENTENCE_END.search(previous) and not ITEM_START.match(line):
            out[-1] = previous + line
        else:
            out.append(line)
    return "\n".join(out)


def read_old_word(path: Path) -> tuple[str | None, str | None]:
    """A .doc/.wps file through LibreOffice (soffice), when it is installed."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    command = f"soffice --headless --convert-to docx {path.name}"
    if office is None:
        return None, f"old Word format ({path.suffix}): install LibreOffice, or convert it to .docx ({command}) and add that file"
    with tempfile.TemporaryDirectory() as folder:
        try:
            subprocess.run([office, "--headless", "--convert-to", "docx", "--outdir", folder, str(path)],
                           check=True, capture_output=True, timeout=CONVERT_SECONDS)
            converted = next(Path(folder).glob("*.docx"))
        except (subprocess.SubprocessError, OSError, StopIteration):
            return None, f"old Word format ({path.suffix}) that LibreOffice could not convert: convert it by hand ({command})"
        return read_docx(converted.read_bytes())
