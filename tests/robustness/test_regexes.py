"""Every regex that runs over document text is linear by construction: no unbounded repeat inside another.

A repeat without an upper bound nested in another one (`(a+)+`, `(?:x*y)*`) is the shape that makes a
backtracking engine take exponential or quadratic time on text that almost matches. The patterns are
collected from three places: compiled patterns held by the package's modules (also inside tuples and
dicts), literal patterns passed to `re.*` calls in the source (read with `ast`), and the patterns the
word lists compile (boilerplate, number names, statistic frames, split cues). An atomic group or a
possessive repeat is accepted: nothing backtracks into it.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import pkgutil
import re
import re._constants as C
import re._parser as parser
from pathlib import Path

import pytest

import pipeline
from tests.conftest import package_resources

PACKAGE = Path(pipeline.__file__).parent
RE_CALLS = {"compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"}


def nested_unbounded(items, inside: bool = False) -> bool:
    """Whether a parsed pattern holds an unbounded repeat within an unbounded repeat."""
    for op, av in items:
        if op in (C.MAX_REPEAT, C.MIN_REPEAT):
            low, high, sub = av
            unbounded = high == C.MAXREPEAT
            if (unbounded and inside) or nested_unbounded(sub, inside or unbounded):
                return True
        elif op == C.SUBPATTERN and nested_unbounded(av[-1], inside):
            return True
        elif op == C.BRANCH and any(nested_unbounded(branch, inside) for branch in av[1]):
            return True
        elif op in (C.ASSERT, C.ASSERT_NOT) and nested_unbounded(av[1], inside):
            return True
    return False


def held(value, depth: int = 0):
    """re.Pattern objects inside a value (tuples, lists, dicts, dataclasses), a few levels deep."""
    if isinstance(value, re.Pattern):
        yield value
    elif depth < 4 and isinstance(value, (tuple, list, frozenset, set)):
        for item in value:
            yield from held(item, depth + 1)
    elif depth < 4 and isinstance(value, dict):
        for item in value.values():
            yield from held(item, depth + 1)
    elif depth < 4 and dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from held(getattr(value, f.name), depth + 1)


def module_patterns() -> dict[str, re.Pattern]:
    found = {}
    for info in pkgutil.walk_packages(pipeline.__path__, "pipeline."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            for pattern in held(value):
                found[f"{info.name}.{name}: {pattern.pattern[:60]}"] = pattern
    return found


def literal_patterns() -> dict[str, re.Pattern]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in RE_CALLS
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found[f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.args[0].value[:60]}"] = re.compile(node.args[0].value)
    return found


def word_list_patterns() -> dict[str, re.Pattern]:
    from pipeline.analyze import load_analyze_resources

    found = [*held(package_resources()), *held(load_analyze_resources())]
    return {f"word lists: {p.pattern[:60]}": p for p in found}


ALL = {**module_patterns(), **literal_patterns(), **word_list_patterns()}


def test_the_audit_sees_the_patterns_it_should():
    assert len(module_patterns()) > 100 and len(literal_patterns()) > 20 and len(word_list_patterns()) > 20
    assert nested_unbounded(parser.parse(r"(?:[^|]+\|\s*)+")) and nested_unbounded(parser.parse(r"(a*b)*"))
    assert not nested_unbounded(parser.parse(r"(?:[^|]{1,15}\|){3,}")) and not nested_unbounded(parser.parse(r"(?>a+)+"))


@pytest.mark.parametrize("where", sorted(ALL))
def test_no_unbounded_repeat_inside_another(where):
    pattern = ALL[where]
    assert not nested_unbounded(parser.parse(pattern.pattern, pattern.flags)), where


def opens_with_a_letter(items) -> bool:
    """Whether a parsed pattern's match must start with one letter or character class, written first (not
    after a lookahead, an optional letter, a repeat or alternatives): then the regex engine skips in C to
    the places where that letter occurs instead of trying the pattern at every position."""
    op, av = items[0] if len(items) else (None, None)
    if op == C.SUBPATTERN:
        return opens_with_a_letter(av[-1])
    return op in (C.LITERAL, C.IN)


def whole_text_patterns() -> dict[str, re.Pattern]:
    """The patterns searched over every document's whole text that the letter rule applies to: the number
    names of the word list (one search each per document) and segment's dating phrases and slogan runs."""
    from pipeline.segment import indicators, slogans

    found = {f"number names: {p.pattern[:60]}": p for p in package_resources().number_names}
    for name, pattern in [("YEAR", indicators.YEAR), ("LAST_YEAR", indicators.LAST_YEAR), ("RUN_PATTERN", slogans.RUN_PATTERN)]:
        found[name] = pattern
    return found


def test_the_letter_rule_tells_the_shapes_apart():
    assert opens_with_a_letter(parser.parse(r"[一二][一二]*项")) and opens_with_a_letter(parser.parse(r"(第[一二])"))
    for slow in (r"[一二]+项", r"(?=[一二])[一二]项", r"第?[一二]", r"(?:[一二]项){2,}", r"(?<!第)[一二]", r"[一二]项|三项"):
        assert not opens_with_a_letter(parser.parse(slow)), slow


@pytest.mark.parametrize("where", sorted(whole_text_patterns()))
def test_a_whole_text_pattern_opens_with_a_letter(where):
    pattern = whole_text_patterns()[where]
    assert opens_with_a_letter(parser.parse(pattern.pattern, pattern.flags)), where
