"""Main text of web pages: the density extractor beside trafilatura, list pages rejected, the traps of
real pages (layout tables, a body rendered twice, a copyright notice in prose, a stray </html>).

The floors at the end are measured on tests/gold/html: 44 real Chinese pages from public extractor test
collections with gold bodies written by reading them (tests/gold/html/*/SOURCES.tsv says where each comes
from); `make evaluate-html` prints the full table.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.evaluate_html import evaluate_html, summary
from pipeline.ingest import ingest
from pipeline.ingest.html import extract_html

GOLD = Path(__file__).resolve().parents[1] / "gold" / "html"
PARAGRAPHS = [
    "近年来，甲县坚持以党建引领脱贫攻坚，把基层党组织建设作为打赢脱贫攻坚战的关键抓手，取得了明显成效。",
    "县委选派第一书记驻村帮扶，推行党支部加合作社加农户的模式，带动建档立卡贫困户一千二百余户增收。",
    "各乡镇立足资源禀赋发展特色产业，村集体经济不断发展壮大，群众的获得感和满意度持续提升。",
    "下一步，甲县将继续巩固拓展脱贫攻坚成果，推动乡村全面振兴，让群众的日子越过越红火。",
]
MENU = "<ul>" + "".join(f"<li><a href='/c{i}'>栏目{i}</a></li>" for i in range(12)) + "</ul>"


def page(body: str, title: str = "甲县抓党建促脱贫的经验") -> str:
    return f"<html><head><meta charset='utf-8'><title>{title}_甲县人民政府网</title></head><body>{MENU}{body}</body></html>"


def article(paragraphs: list[str] = PARAGRAPHS) -> str:
    return "<div class='content'>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div>"


def test_article_text_under_its_title_without_menus():
    text, meta = extract_html(page("<h1>甲县抓党建促脱贫的经验</h1><div>发布时间：2020-05-06</div>" + article()))
    assert text.split("\n") == ["甲县抓党建促脱贫的经验", *PARAGRAPHS]
    assert "not_article" not in meta


def test_a_copyright_notice_in_prose_does_not_widen_the_article_to_the_page():
    footer = "<div class='foot'><p>版权说明：凡注明来源为本网的作品，版权均属本网所有，未经授权不得转载、摘编或利用其它方式使用上述作品。</p></div>"
    text, _ = extract_html(page(article() + MENU + footer))
    assert "版权说明" not in text and PARAGRAPHS[-1] in text


def test_a_body_rendered_twice_comes_out_once():
    second = "<div class='print'><p>" + "".join(PARAGRAPHS) + "</p></div>"  # the print view joins the paragraphs
    text, _ = extract_html(page("<div>" + article() + second + "</div>"))
    assert text.count(PARAGRAPHS[0]) == 1


def test_a_layout_table_keeps_its_paragraphs_and_a_data_table_its_rows():
    data = "<table><tr><td>村名</td><td>贫困户</td></tr><tr><td>甲村</td><td>120户</td></tr><tr><td>乙村</td><td>85户</td></tr></table>"
    layout = f"<table><tr><td>{MENU}</td><td>{article(PARAGRAPHS[:2])}{data}{article(PARAGRAPHS[2:])}</td></tr></table>"
    text, _ = extract_html(page(layout))
    assert all(p in text for p in PARAGRAPHS)
    assert "村名\t贫困户\n甲村\t120户\n乙村\t85户" in text


def test_a_stray_end_of_page_from_an_include_does_not_lose_the_body():
    text, _ = extract_html(page("<div>站点头部</div></body></html>" + article()))
    assert PARAGRAPHS[0] in text and PARAGRAPHS[-1] in text


def test_blog_phrases_separated_by_spaces_read_as_prose():
    lines = ["一波波接续性低温寒流报到 已将山区一带层层山峦披上嫣红的彩衣",
             "玉峰道路一路上云气山岚滞留山头 顺路下切蜿蜒道路后不久即抵达学校",
             "美树美如其名偌大枫香树早已呈现金黄 泛红色彩也是爱摄人仕所喜爱造访之地"]
    text, meta = extract_html(page("<div class='post'>" + "<br>".join(lines) + "</div>"))
    assert text.split("\n")[-3:] == lines and "not_article" not in meta


def write(folder: Path, name: str, data: bytes) -> None:
    (folder / name).write_bytes(data)


def test_a_list_page_is_rejected_as_not_an_article(tmp_path, resources):
    links = "".join(f"<li><a href='/a{i}.html'>甲县召开第{i}次党建工作推进会议</a><span>2020-05-{i % 28 + 1:02d}</span></li>" for i in range(40))
    write(tmp_path, "list.html", page(f"<ul class='list'>{links}</ul>", title="工作动态").encode("utf-8"))
    write(tmp_path, "article.html", page(article()).encode("utf-8"))
    manifest = ingest(tmp_path, resources).manifest.set_index("source")
    assert manifest.loc["list.html", "status"] == "rejected"
    assert manifest.loc["list.html", "reason"].startswith("not an article")
    assert manifest.loc["article.html", "status"] == "accepted"


@pytest.mark.parametrize("body", [
    "<form><label>用户名</label><input name='u'><label>密码</label><input type='password'><button>登录</button>"
    "<a href='/reg'>注册</a><a href='/pw'>忘记密码</a></form>",
    "<table class='calendar'><tr><th>日</th><th>一</th><th>二</th><th>三</th><th>四</th><th>五</th><th>六</th></tr>"
    + "".join("<tr>" + "".join(f"<td><a href='/d{w}{d}'>{w * 7 + d + 1}</a></td>" for d in range(7)) + "</tr>" for w in range(4))
    + "</table><p>2020年5月 活动日历</p>",
], ids=["login", "calendar"])
def test_login_and_calendar_pages_are_not_articles(body):
    _, meta = extract_html(page(body, title="甲县党建网"))
    assert meta["not_article"].startswith("not an article")


def test_search_results_with_summaries_are_a_list_not_an_article():
    items = "".join(f"<div class='result'><h3><a href='/q{i}'>甲县第{i}个党建引领乡村振兴典型案例</a></h3><p>{PARAGRAPHS[i % 4]}</p></div>"
                    for i in range(8))
    text, meta = extract_html(page(f"<div class='results'>{items}</div>", title="搜索结果"))
    assert meta["not_article"].startswith("not an article: a list of 8 items")


def test_an_article_with_a_few_related_links_inside_stays_an_article():
    related = "".join(f"<p><a href='/r{i}'>相关阅读：乙县推进党建引领基层治理的第{i}篇报道</a></p>" for i in range(6))
    text, meta = extract_html(page("<div class='content'>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + related + "</div>"))
    assert "not_article" not in meta and all(p in text for p in PARAGRAPHS)


def test_a_gb18030_page_that_says_it_is_utf8_is_read_not_rejected(tmp_path, resources):
    html = page(article()).replace("charset='utf-8'", "charset='gb2312'") + "<!-- 㐀 € -->"  # GB18030-only characters
    write(tmp_path, "gb.html", html.encode("gb18030"))
    write(tmp_path, "wrong.html", html.replace("gb2312", "utf-8").encode("gb18030"))
    tables = ingest(tmp_path, resources)
    assert set(tables.manifest["status"]) == {"accepted", "duplicate"}  # the same text twice, both read
    assert all(PARAGRAPHS[0] in text for text in tables.documents["text"])


def test_one_article_with_source_lines_inside_stays_one_document(tmp_path, resources):
    body = ["来源：甲县融媒体中心", *PARAGRAPHS[:2], "数据来源：甲县统计局", "甲县召开会议部署下一阶段工作", "来源：县委办", *PARAGRAPHS[2:]]
    write(tmp_path, "one.html", page("<h1>甲县抓党建促脱贫的经验</h1>" + article(body)).encode("utf-8"))
    tables = ingest(tmp_path, resources)
    assert tables.manifest["status"].tolist() == ["accepted"] and len(tables.documents) == 1


@pytest.fixture(scope="module")
def html_scores(resources):
    return summary(evaluate_html(GOLD, resources))


def test_dev_pages_main_text_is_above_the_floor_and_ahead_of_trafilatura(html_scores):
    ours, theirs = html_scores["pipeline"], html_scores["trafilatura"]
    assert ours["article pages"] >= 39
    assert ours["sentences F1 (pooled)"] >= 0.92 > theirs["sentences F1 (pooled)"]
    assert ours["mean page F1"] > theirs["mean page F1"]
    assert ours["pages with F1 < 0.5"] == 0


def test_dev_list_pages_rejected_and_no_article_page_split(html_scores):
    ours = html_scores["pipeline"]
    assert int(ours["non-article pages left empty"].split(" of ")[0]) >= 4
    assert ours["article pages split in several"] == 0
