"""Bad inputs a corpus really contains, each written by a small function into a corpus folder.

Every kind names what it builds and what the manifest must say of it: a status and a word of the reason
(None: the input is read and accepted as a document).
"""

from __future__ import annotations

import base64
import codecs
import csv
import io
import json
import os
import random
from collections.abc import Callable
from pathlib import Path

from tests.seeds import seed_path

PROSE = ("近年来，全县坚持党建引领脱贫攻坚，建立“支部+合作社+农户”模式，带动贫困户1200余户增收，"
         "贫困发生率由12.5%降至1.9%。一是强化组织领导。二是加强队伍建设。三是发展特色产业。")


def good_text() -> str:
    """A short Chinese report (title, paragraph) that ingest accepts."""
    return "某县抓党建促脱贫工作经验\n" + PROSE * 3


def write(root: Path, name: str | bytes, data: bytes) -> None:
    """Write a file under root (a bytes name for names that are not UTF-8)."""
    path = os.path.join(os.fsencode(root), name) if isinstance(name, bytes) else root / name
    Path(os.fsdecode(path)).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


def csv_bytes(rows: list[dict], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return utf8(out.getvalue())


def adversarial(kind: str, size: int) -> str:
    """A pathological document of about `size` characters."""
    rng = random.Random(7)
    if kind == "digits":
        return "".join(f"{rng.randint(1, 999999)}万" for _ in range(size // 7))
    if kind == "no-punctuation":
        return "党建引领支部合作社农户产业发展" * (size // 15)
    if kind == "markers":
        return "\n".join(f"（{i % 10 + 1}）一是{i}个合作社" for i in range(size // 12))
    if kind == "base64":
        return base64.b64encode(rng.randbytes(size * 3 // 4)).decode("ascii")
    if kind == "plus-chains":
        return "支部+合作社+" * (size // 7)
    raise ValueError(kind)


KINDS: dict[str, tuple[Callable[[Path], None], str | None, str | None]] = {
    # kind: (builder, expected status, expected reason fragment)
    "name not UTF-8": (lambda r: write(r, b"bad_\xff\xfe.txt", utf8(good_text())), "accepted", None),
    "empty file": (lambda r: write(r, "empty.txt", b""), "rejected", "empty"),
    "whitespace only": (lambda r: write(r, "blank.txt", b" \n\t\n"), "rejected", "empty"),
    "PNG named .txt": (lambda r: write(r, "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(300)), "rejected", "binary"),
    "damaged PDF": (lambda r: write(r, "scan.pdf", b"%PDF-1.4 not really"), "rejected", "PDF"),
    "damaged Word file": (lambda r: write(r, "notes.docx", b"PK\x03\x04whatever"), "rejected", "unreadable Word file"),
    "old Word file": (lambda r: write(r, "old.doc", b"\xd0\xcf\x11\xe0whatever"), "rejected", "old Word format"),
    "Markdown": (lambda r: write(r, "README.md", b"# notes"), "rejected", "unsupported"),
    "truncated UTF-8": (lambda r: write(r, "cut.txt", utf8(good_text())[:-1]), "rejected", "truncated"),
    "UTF-16 without BOM": (lambda r: write(r, "u16.txt", good_text().encode("utf-16-le")), "accepted", None),
    "UTF-16 BE with BOM": (lambda r: write(r, "u16be.txt", codecs.BOM_UTF16_BE + good_text().encode("utf-16-be")), "accepted", None),
    "GB18030": (lambda r: write(r, "gb.txt", good_text().replace("某县", "某县城").encode("gb18030")), "accepted", None),
    "Windows line ends": (lambda r: write(r, "crlf.txt", utf8(good_text().replace("\n", "\r\n") + "完。")), "accepted", None),
    "zero-width characters": (lambda r: write(r, "zw.txt", utf8("某乡\u200b工作经验\n一\u200b、主要做法\n" + PROSE.replace("党建", "党\u200b建") * 2)), "accepted", None),
    "bidi overrides": (lambda r: write(r, "bidi.txt", utf8("某村\u202e工作经验\u202c\n" + PROSE * 2 + "\u2066x\u2069")), "accepted", None),
    "NUL bytes late": (lambda r: write(r, "nul.txt", utf8("某镇工作经验\n" + PROSE * 60 + "\x00\x00" + PROSE)), "accepted", None),
    "control characters": (lambda r: write(r, "ctl.txt", utf8("某区工作\x07经验\n" + PROSE * 2 + "\x1b[31m")), "accepted", None),
    "prose first line": (lambda r: write(r, "notitle.txt", utf8(PROSE * 2 + "\n" + PROSE)), "accepted", None),
    "English text": (lambda r: write(r, "english.txt", utf8("The county strengthened party building. " * 20)), "rejected", "not Chinese"),
    "CSV unbalanced quote": (lambda r: write(r, "quote.csv", utf8('title,text\n甲,"' + PROSE + '\n乙,' + PROSE + '\n丙,' + PROSE + "\n")), "rejected", "unbalanced"),
    "CSV semicolons": (lambda r: write(r, "semi.csv", csv_bytes([{"title": "某县经验", "text": PROSE * 2}], ";")), "accepted", None),
    "CSV huge cell": (lambda r: write(r, "huge.csv", csv_bytes([{"title": "某县长文", "text": PROSE * 2000}])), "accepted", None),
    "CSV formula cells": (lambda r: write(r, "formula.csv", csv_bytes([{"title": "=HYPERLINK(\"http://x\")", "text": PROSE * 2, "source": "@SUM(A1)"}])), "accepted", None),
    "CSV without text column": (lambda r: write(r, "notext.csv", csv_bytes([{"title": "甲", "body2": "乙"}])), "rejected", "no text"),
    "CSV header only": (lambda r: write(r, "header.csv", b"title,text\n"), "rejected", "no rows"),
    "JSONL broken line": (lambda r: write(r, "broken.jsonl", utf8(json.dumps({"text": PROSE * 2}, ensure_ascii=False) + "\n{broken\n")), None, None),
    "JSONL not an object": (lambda r: write(r, "list.jsonl", b"[1, 2, 3]\n"), "rejected", "not a JSON object"),
    "HTML with script": (lambda r: write(r, "script.html", utf8("<html><body><p>" + PROSE * 2 + "<script>alert('x')</script></p></body></html>")), "accepted", None),
    "HTML without body": (lambda r: write(r, "nobody.html", b"<html><head><title>x</title></head></html>"), "rejected", None),
    "long line without punctuation": (lambda r: write(r, "nopunct.txt", utf8("某县\n" + adversarial("no-punctuation", 100_000))), "accepted", None),
    "digits and 万": (lambda r: write(r, "digits.txt", utf8("某县数据\n" + adversarial("digits", 100_000))), "accepted", None),
    "thousands of markers": (lambda r: write(r, "markers.txt", utf8("某县提纲\n" + adversarial("markers", 100_000))), "accepted", None),
    "base64 blob": (lambda r: write(r, "b64.txt", utf8("某县附件\n" + adversarial("base64", 100_000))), "rejected", "not Chinese"),
    "plus chains": (lambda r: write(r, "plus.txt", utf8("某县模式\n" + adversarial("plus-chains", 100_000))), "accepted", None),
    "hidden file": (lambda r: write(r, ".hidden.txt", utf8(good_text())), "rejected", "hidden file"),
    "hidden folder": (lambda r: write(r, ".git/config.txt", utf8(good_text())), "rejected", "hidden folder"),
    "nested folders": (lambda r: write(r, "a/b/c/d/深层 文件.txt", utf8(good_text().replace("某县", "某州"))), "accepted", None),
    "dangling link": (lambda r: os.symlink(r / "missing.txt", r / "dangling.txt"), "rejected", "broken link"),
    "link loop": (lambda r: (os.symlink(r / "loop_b.txt", r / "loop_a.txt"), os.symlink(r / "loop_a.txt", r / "loop_b.txt")), "rejected", "link loop"),
    "link to a folder": (lambda r: (r.joinpath("real").mkdir(), os.symlink(r / "real", r / "linked")), "rejected", "link to a folder"),
    "FIFO": (lambda r: os.mkfifo(r / "pipe.txt"), "rejected", "not a regular file"),
    "duplicate file": (lambda r: write(r, "copy_of_000.txt", seed_path("000").read_bytes()), "duplicate", None),
}
