"""Remove pinyin annotations that scrapers left after characters: 強(qiáng) → 強."""

from __future__ import annotations

import re

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# A pinyin syllable group: lowercase letters with at least one tone-marked vowel, as in (qiáng) or
# (zhǎn gōng). Requiring a tone mark keeps (PM2.5), (项目) and (abc) untouched. A syllable has at most six
# letters and a note at most eight syllables: bounded, so a long run of letters cannot make it backtrack.
SYLLABLES = rf"[a-zü{TONED}]{{0,5}}[{TONED}][a-zü{TONED}]{{0,5}}(?: [a-zü{TONED}]{{1,6}}){{0,7}}"
PINYIN = re.compile(rf"(?<=[\u3400-\u9fff])[(（]{SYLLABLES}[)）]")


def remove_pinyin(text: str) -> tuple[str, int]:
    """Return the text without pinyin annotations and how many were removed."""
    return PINYIN.subn("", text)
