"""Texts about the whole country are not credited to a county, and ordinary words are not places.

The paragraphs below are written for this test in the register of the State Council's work
reports; each hides the letters of a county or city inside ordinary words (创新和完善 → 新和县,
大城市 → 大城县, 新民主主义 → 新民市, 革命友谊 → 友谊县, 专政和 → 政和县, 推广信息 → 广信区,
均衡水平 → 衡水市, 一视同仁 → 同仁市, 中小金融 → 小金县 …).
"""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.ingest import ingest
from pipeline.places import find_mentions

NATIONAL = [
    "我国经济运行保持在合理区间。国务院坚持创新和完善宏观调控，我国就业形势总体稳定，全国城镇新增就业1100万人以上。"
    "我们要坚持以人民为中心，推动我国经济高质量发展，党中央的决策部署全面落实。",
    "新型城镇化扎实推进，全国大城市和中小城市协调发展，我国常住人口城镇化率提高。国务院推动户籍制度改革，"
    "我国农业转移人口市民化加快，全国各地加大城市更新力度。党中央要求扩大新型城镇化成果。",
    "我国人民在中国共产党领导下，经过新民主主义革命取得胜利。全国各族人民同心同德，结下深厚的革命友谊，"
    "我国坚持人民民主专政和社会主义制度，国务院和党中央团结带领全国人民奋斗，民族团结坚如磐石。",
    "国务院深入推广信息技术在政务服务中的应用，我国数字政府建设取得进展。全国推进一网通办，"
    "我国企业和群众办事更加便利。党中央要求各地区各部门提高服务效能，我国营商环境持续改善。",
    "我国人民币汇率在合理均衡水平上基本稳定，外汇储备保持在3万亿美元以上。国务院推动中小金融机构改革化险，"
    "我国金融安全得到维护。全国防范化解重大风险取得成效，党中央坚持底线思维。",
    "对各类所有制企业一视同仁、平等对待，我国民营经济发展环境持续优化。国务院出台支持政策，"
    "全国经营主体活力增强，我国坚持两个毫不动摇。党中央部署加快建设全国统一大市场。",
    "我们隆重庆祝中华人民共和国成立，全国各族人民欢欣鼓舞。我国制定西部大开发新举措，"
    "国务院推进区域协调发展，我国东中西部差距缩小。党中央统筹推进区域重大战略。",
    "我国发展壮大新动能，国务院实施创新驱动发展战略，全国研发经费投入增长。"
    "我国培育壮大新兴产业，大兴调查研究之风，党中央要求把握好重大关系。全国科技创新能力提升。",
    "我国坚持节用裕民，国务院带头过紧日子，全国一般性支出压减。党中央要求坚守节用裕民的正道，"
    "我国财政资金更多用于民生，全国基本民生保障有力。",
    "我国深化大通关合作，国务院推进贸易便利化，全国口岸通关时间压缩。我国共同奏响合作共赢新乐章，"
    "党中央推动高水平对外开放，全国外贸进出口稳中提质。",
    "我国加强残疾预防和康复服务，国务院完善社会保障制度，全国困难群众基本生活得到保障。"
    "我国人民勤劳智慧，党中央要求让人民生活更加幸福安康，全国居民收入增长。",
    "重特大安全事故得到遏制，我国安全生产形势稳定。国务院加大资金安排，全国防灾减灾能力提升，"
    "我国打造投资中国品牌。党中央要求统筹发展和安全，我国弘扬中华优秀传统文化。",
]


def corpus(tmp_path, texts: list[str]):
    """A corpus folder with one text file per paragraph; every other one under a title naming the State Council."""
    for i, text in enumerate(texts):
        title = f"国务院关于第{i + 1}项工作的报告\n" if i % 2 == 0 else ""
        (tmp_path / f"national_{i:02d}.txt").write_text(title + text, encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="module")
def national_documents(tmp_path_factory, resources) -> pd.DataFrame:
    return ingest(corpus(tmp_path_factory.mktemp("national"), NATIONAL), resources).documents


def test_national_texts_are_not_placed_below_province(national_documents):
    """The issue's measure: at most 2 % of national texts placed in a county (here: none, nor a prefecture)."""
    levels = national_documents["place_level"].tolist()
    assert levels.count("county") / len(levels) <= 0.02
    assert set(levels) == {"national"}
    assert national_documents["county"].isna().all() and national_documents["province"].isna().all()


@pytest.mark.parametrize("text", NATIONAL)
def test_ordinary_words_hold_no_places(gaz, text):
    assert [m["surface"] for m in find_mentions(text, gaz)] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("支持北京、上海建设国际科技创新中心", ["北京", "上海"]),
        ("做好甘肃积石山地震等抢险救灾工作", ["甘肃", "积石山"]),
        ("永州江华坚持抓党建促脱贫，江华全县减贫明显", ["永州", "江华", "江华"]),
    ],
)
def test_places_written_as_words_are_kept(gaz, text, expected):
    assert [m["surface"] for m in find_mentions(text, gaz)] == expected


def test_a_county_short_form_needs_its_own_context(gaz):
    """瑞丽 alone is a word; in a text about 云南 (title or metadata) it is the county-level city."""
    text = "瑞丽获批国家级产业园区。"
    assert find_mentions(text, gaz) == []
    yunnan = gaz.lookup("云南省").adcode
    assert [m["name"] for m in find_mentions(text, gaz, frozenset({yunnan}))] == ["瑞丽市"]


def test_a_county_named_beside_its_own_prefecture_keeps_the_document(gaz):
    """Its prefecture's mentions agree with a county; two counties named once each are only examples."""
    from collections import Counter

    from pipeline.places.document_place import holds_level

    yunnan, zhaotong, weixin, zhenxiong = "530000", "530600", "530629", "530627"
    # 昭通市 named twice, 威信县 twice: the county holds exactly half of the province's support
    support = Counter({yunnan: 4, zhaotong: 4, weixin: 2})
    assert holds_level(weixin, yunnan, support, gaz)
    # 威信县 and 镇雄县 named once each: half each, neither more than the other
    support = Counter({yunnan: 2, zhaotong: 2, weixin: 1, zhenxiong: 1})
    assert not holds_level(weixin, yunnan, support, gaz) and not holds_level(zhenxiong, yunnan, support, gaz)
    assert holds_level(zhaotong, yunnan, support, gaz)
    # a prefecture's report that names one county once as an example stays the prefecture's
    support = Counter({yunnan: 6, zhaotong: 6, weixin: 1})
    assert not holds_level(weixin, yunnan, support, gaz)
