"""Decode raw bytes of any common Chinese encoding, or say precisely why not."""

from __future__ import annotations

import codecs
import functools
import logging
import re
from pathlib import Path

log = logging.getLogger(__name__)

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
MAGIC = {
    b"\x89PNG": "PNG image",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive (docx/xlsx?)",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"\xd0\xcf\x11\xe0": "OLE document (doc/xls?)",
}
UTF16_MIN_SCORE = 0.3  # share of frequent characters among the CJK ones a UTF-16 reading must reach
# Chinese legacy encodings tried in this order; GB18030 is a superset of GBK and GB2312.
LEGACY = ("gb18030", "big5")
CONTROL_BYTES = bytes([*range(9), *range(14, 32)])  # not tab, newline, vertical tab, form feed, return
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


class DecodeError(ValueError):
    """The bytes are not text in an encoding this pipeline reads; the message is the reason."""


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding name) or raise DecodeError with a reason for the manifest."""
    if not data.strip():
        raise DecodeError("empty file")
    for bom, name in BOMS:
        if data.startswith(bom):
            return _strict(data, name), name
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    utf8 = _try(data, "utf-8")
    if utf8 is not None and not _control_heavy(data):
        return utf8, "utf-8"
    utf16 = _utf16_chinese(data)
    if utf16 is not None:
        return utf16
    _reject_binary(data)
    _reject_truncated_utf8(data)
    if declared and (text := _try(data, declared)) is not None and _looks_chinese(text):
        return text, declared.lower()
    return _guess_legacy(data)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag, if any and known to Python."""
    match = META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return "gb18030" if name in {"gb2312", "gbk"} else name


def _strict(data: bytes, encoding: str) -> str:
    """Decode or raise DecodeError naming the encoding."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DecodeError(f"invalid {encoding} at byte {exc.start}") from exc


def _try(data: bytes, encoding: str) -> str | None:
    """Decode strictly, None on failure."""
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _reject_binary(data: bytes) -> None:
    """Raise for known binary formats and for NUL-laden or control-heavy bytes."""
    for magic, kind in MAGIC.items():
        if data.startswith(magic):
            raise DecodeError(f"binary file ({kind})")
    head = data[:8192]
    if b"\x00" in head:
        raise DecodeError("binary file (NUL bytes)")
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    if controls > len(head) * 0.05:
        raise DecodeError("binary file (control bytes)")
    return None


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: NUL bytes (from ASCII characters) all on one byte parity."""
    head = data[:8192]
    if b"\x00" not in head or len(data) % 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    encoding = "utf-16-le" if odd and not even else "utf-16-be" if even and not odd else None
    text = _try(data, encoding) if encoding else None
    return (text, encoding) if text is not None and _looks_chinese(text) else None


def _utf16_chinese(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM and without ASCII (no NUL bytes): the byte order whose text reads most like
    Chinese, when it reads like Chinese at least as well as the legacy encodings would."""
    if len(data) % 2:
        return None
    decoded = [(text, enc) for enc in ("utf-16-le", "utf-16-be") if (text := _try(data, enc)) is not None]
    best = max(decoded, key=lambda c: _chinese_score(c[0]), default=None)
    if best is None or _chinese_score(best[0]) < UTF16_MIN_SCORE:
        return None
    legacy = max((_chinese_score(t) for enc in LEGACY if (t := _try(data, enc)) is not None), default=0.0)
    return best if _chinese_score(best[0]) >= legacy else None


def _control_heavy(data: bytes) -> bool:
    """More control bytes than text has (UTF-16 read as UTF-8 is full of them)."""
    head = data[:8192]
    return len(head) - len(head.translate(None, CONTROL_BYTES)) > len(head) * 0.05


def _reject_truncated_utf8(data: bytes) -> None:
    """UTF-8 that is valid except for an incomplete final character was cut off mid-file."""
    for cut in (1, 2, 3):
        if _try(data[:-cut], "utf-8") is not None and _count_non_ascii(data) > 0:
            raise DecodeError(f"truncated UTF-8: incomplete character in the last {cut} byte(s)")


def _count_non_ascii(data: bytes) -> int:
    """How many bytes are outside ASCII."""
    return sum(1 for b in data[:4096] if b > 127)


def _guess_legacy(data: bytes) -> tuple[str, str]:
    """Pick the legacy Chinese encoding whose decoding reads most like Chinese text."""
    candidates = [(enc, text) for enc in LEGACY if (text := _try(data, enc)) is not None]
    if not candidates:
        detected = _charset_normalizer(data)
        if detected is None:
            raise DecodeError("undecodable: not UTF-8, UTF-16, GB18030 or Big5")
        return detected
    encoding, text = max(candidates, key=lambda c: _chinese_score(c[1]))
    return text, encoding


def _charset_normalizer(data: bytes) -> tuple[str, str] | None:
    """Last resort: charset-normalizer's best guess, if it reads like Chinese."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    text = str(best)
    return (text, best.encoding) if _looks_chinese(text) else None


@functools.cache
def _common_chars() -> frozenset[str]:
    """Frequent Chinese characters, from the package's data file (loaded once, on first use)."""
    path = Path(__file__).resolve().parent.parent / "data" / "common_chars.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset("".join(line.strip() for line in lines if not line.startswith("#")))


def _chinese_score(text: str) -> float:
    """Share of characters that are frequent Chinese characters."""
    sample = text[:5000]
    cjk = [c for c in sample if "\u4e00" <= c <= "\u9fff"]
    if not cjk:
        return 0.0
    common = _common_chars()
    return sum(c in common for c in cjk) / len(cjk)


def _looks_chinese(text: str) -> bool:
    """True for decodings that read like Chinese prose or plain ASCII."""
    sample = text[:5000]
    if not any("\u4e00" <= c <= "\u9fff" for c in sample):
        return "\ufffd" not in sample
    return _chinese_score(sample) > 0.15
