"""Characters a reader never sees: removed before a text is split into lines, so the clean text (the
reference of every offset) holds none of them.

Zero-width spaces and joiners (common in WeChat pages, where they split words and hide markers such as
一、), soft hyphens, the byte-order mark inside text, bidirectional overrides and isolates (which can make
a CSV or a report display something other than what is stored), NUL bytes and the other C0/C1 control
characters except tab and line breaks. Text is composed to NFC (decomposed accents as one character);
compatibility forms (full-width punctuation) are left as written.
"""

from __future__ import annotations

import re
import unicodedata

INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\u2061-\u2064\ufeff\u00ad\u180e\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def visible(text: str) -> tuple[str, int]:
    """The text without invisible and control characters, and how many were removed."""
    composed = unicodedata.normalize("NFC", text)
    cleaned = CONTROL.sub("", INVISIBLE.sub("", composed))
    return cleaned, len(composed) - len(cleaned)
