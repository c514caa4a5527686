"""Synthetic segment-stage tables for the analyze tests: realistic measures from invented county reports.

Every span is computed from the generated document text, so documents.text[start:end] == surface holds.
"""
from __future__ import annotations

import pandas as pd
import pytest

from pipeline.analyze.tokens import load_analyze_resources, make_tokenizer

# (heading, body) of practice measures, by theme.
INDUSTRY = [
    ("发展特色产业，壮大集体经济", "依托合作社发展食用菌和精品水果种植，村集体经济收入稳步增长，贫困户入股分红。"),
    ("采取“支部+合作社+农户”模式", "由村党支部领办合作社，贫困户以土地入股分红，合作社统一提供种苗和技术。"),
    ("推行土地流转，发展订单农业", "引进龙头企业流转土地建设蔬菜基地，贫困户在基地务工，合作社按订单收购。"),
    ("推进三变改革，盘活闲置资源", "推动资源变资产、资金变股金、农民变股东，合作社每年按股分红。"),
    ("发展林下经济", "利用山林资源发展林下养鸡和中药材种植，合作社统一收购销售，带动贫困户增收。"),
    ("发展农村电商，拓宽销售渠道", "建立农村电商服务站，帮助合作社把农产品卖出山，贫困户增收渠道更宽。"),
]
ORGANISATION = [
    ("选派第一书记，配强驻村工作队", "从县直机关选派优秀干部担任第一书记，驻村工作队吃住在村，帮助村两委理清发展思路。"),
    ("选优配强村两委班子", "结合村两委换届，把致富带头人选进村两委班子，整顿软弱涣散村党组织。"),
    ("开展两学一做学习教育", "落实三会一课制度，组织党员开展主题党日，增强基层党组织凝聚力和战斗力。"),
    ("实行党员积分制管理", "对农村党员实行积分制管理，设立党员示范岗，积分结果与评先评优挂钩。"),
    ("建好党群服务中心", "新建和改扩建村级党群服务中心，党员干部轮流值班，为群众提供便民服务。"),
    ("落实干部驻村结对帮扶", "驻村干部结对帮扶贫困户，每月遍访一次，第一书记带头帮助解决实际困难。"),
]
TRAINING = [
    ("办好农民夜校", "依托新时代农民讲习所和农民夜校，讲政策、教技术，激发贫困群众内生动力。"),
    ("开展劳动力技能培训", "组织贫困劳动力参加技能培训，培训合格后推荐到企业务工，实现一人就业全家脱贫。"),
    ("外出培训开视野", "组织村干部到先进地区学习考察，学习产业发展和基层治理经验，开阔视野。"),
    ("设立积分超市，扶贫先扶志", "建立积分超市和红黑榜，贫困户以劳动换积分，破除等靠要思想，激发内生动力。"),
    ("推进移风易俗", "修订村规民约，成立红白理事会，倡导文明新风，遏制大操大办。"),
]
RELOCATION = [
    ("实施易地扶贫搬迁", "对一方水土养不活一方人的贫困户实施易地扶贫搬迁，搬迁群众全部入住安置点。"),
    ("做好搬迁后续扶持", "在安置点配套建设学校和卫生室，建设扶贫车间，确保搬迁群众搬得出、稳得住、能致富。"),
    ("落实健康扶贫政策", "推行先诊疗后付费和一站式结算，家庭医生签约服务覆盖所有贫困户。"),
    ("抓好控辍保学", "落实教育扶贫政策，开展控辍保学，义务教育阶段无因贫失学辍学。"),
]

# Documents: key, title, place, date, sections [(kind, heading, [(heading, body)])].
DOCUMENTS = [
    dict(key="zn", title="镇宁自治县抓党建促脱贫的实践与探索", province="贵州省", prefecture="安顺市",
         county="镇宁布依族苗族自治县", adcode="520423", date="2018-09-05", sections=[
             ("background", "贫困现状", [("基本情况", "镇宁自治县地处贵州省西南部，是国家扶贫开发重点县。")]),
             ("practices", "主要做法", [ORGANISATION[0], INDUSTRY[1], TRAINING[0], INDUSTRY[0], RELOCATION[0]]),
             ("results", "取得成效", [("脱贫成效明显", "全县贫困发生率降至1.9%，发展合作社15个。")])]),
    dict(key="zy", title="紫云自治县以党建引领产业扶贫", province="贵州省", prefecture="安顺市",
         county="紫云苗族布依族自治县", adcode="520425", date="2019-03-12", sections=[
             ("practices", "主要做法", [INDUSTRY[3], INDUSTRY[2], ORGANISATION[1], TRAINING[3], RELOCATION[1]]),
             ("results", "工作成效", [("群众收入增加", "全县贫困发生率降至2.3%，新建合作社8个。")])]),
    dict(key="pd", title="平坝区驻村帮扶工作经验", province="贵州省", prefecture="安顺市",
         county="平坝区", adcode="520404", date="2018-11-20", sections=[
             ("practices", "经验做法", [ORGANISATION[5], ORGANISATION[2], INDUSTRY[4], TRAINING[1]])]),
    dict(key="zj", title="昭觉县决战脱贫攻坚典型经验", province="四川省", prefecture="凉山彝族自治州",
         county="昭觉县", adcode="513431", date="2020-06-30", sections=[
             ("background", "基本县情", [("深度贫困县", "昭觉县是深度贫困县，贫困人口多、贫困程度深。")]),
             ("practices", "主要做法", [RELOCATION[0], RELOCATION[1], TRAINING[4], TRAINING[0], ORGANISATION[3]]),
             ("results", "成效", [("脱贫摘帽", "贫困发生率降至0.8%，聘用生态护林员120名。")])]),
    dict(key="cx", title="苍溪县壮大村集体经济的探索", province="四川省", prefecture="广元市",
         county="苍溪县", adcode="510824", date="2019-08-01", sections=[
             ("practices", "主要做法", [INDUSTRY[0], INDUSTRY[5], INDUSTRY[3], ORGANISATION[4]]),
             ("problems", "存在问题", [("产业链条短", "部分合作社经营管理水平不高，产品附加值低。")])]),
    # A document without typed sections: its measures fall back to the practice set (background excluded).
    dict(key="ws", title="巍山县党建扶贫双推进工作总结", province="云南省", prefecture="大理白族自治州",
         county="巍山彝族回族自治县", adcode="532927", date="2017-05-27", sections=[
             ("background", "基本情况", [("山区县", "巍山县是山区农业县，集体经济薄弱。")]),
             (None, "主要工作", [ORGANISATION[0], INDUSTRY[1], RELOCATION[2], RELOCATION[3], TRAINING[2]])]),
    dict(key="yl", title="元阳县抓党建促脱贫攻坚经验材料", province="云南省", prefecture="红河哈尼族彝族自治州",
         county="元阳县", adcode="532528", date="2020-01-15", sections=[
             ("practices", "主要做法", [INDUSTRY[4], INDUSTRY[1], ORGANISATION[5], TRAINING[1], RELOCATION[2]])]),
    # Same article as "zn" again: a duplicate, never counted.
    dict(key="zn_dup", title="镇宁自治县抓党建促脱贫的实践与探索", province="贵州省", prefecture="安顺市",
         county="镇宁布依族苗族自治县", adcode="520423", date="2018-09-06", duplicate_of="zn", sections=[
             ("practices", "主要做法", [ORGANISATION[0], INDUSTRY[1]]),
             ("results", "取得成效", [("脱贫成效明显", "全县贫困发生率降至1.9%，发展合作社15个。")])]),
    # No place could be resolved (anonymised XX县).
    dict(key="xx", title="XX县第一书记工作经验", province=None, prefecture=None, county=None, adcode=None,
         date=None, sections=[
             ("practices", "主要做法", [ORGANISATION[0], TRAINING[0], INDUSTRY[1]]),
             ("results", "成效", [("贫困村出列", "贫困发生率降至3.5%。")])]),
]
# (document key, statistic surface, value, unit, indicator, level)
STATISTICS = [
    ("zn", "1.9%", 1.9, "%", "贫困发生率", "county"), ("zn", "15个", 15.0, "个", "合作社", "county"),
    ("zy", "2.3%", 2.3, "%", "贫困发生率", "county"), ("zy", "8个", 8.0, "个", "合作社", "county"),
    ("zj", "0.8%", 0.8, "%", "贫困发生率", "county"), ("zj", "120名", 120.0, "名", "生态护林员", "county"),
    ("zn_dup", "1.9%", 1.9, "%", "贫困发生率", "county"), ("zn_dup", "15个", 15.0, "个", "合作社", "county"),
    ("xx", "3.5%", 3.5, "%", "贫困发生率", "county"),
]
MODEL_SURFACE = "支部+合作社+农户"
CN = "一二三四五六七八九十"


def doc_id(key: str) -> str:
    """Synthetic doc_id of a document key."""
    return f"doc_{key}"


def _build_document(spec: dict) -> tuple[str, list[dict]]:
    """Text and measure rows of one synthetic document (section → child measures)."""
    text, rows = spec["title"] + "\n", []
    for i, (kind, sec_heading, children) in enumerate(spec["sections"]):
        sec_id = f"{doc_id(spec['key'])}_m{i + 1}"
        text += f"{CN[i]}、"
        sec_start = len(text)
        text += sec_heading + "\n"
        for j, (heading, body) in enumerate(children):
            text += f"{CN[j]}是"
            start = len(text)
            text += f"{heading}。{body}"
            rows.append(dict(measure_id=f"{sec_id}_{j + 1}", parent_id=sec_id, level=2, path=f"{CN[i]}.{CN[j]}",
                             marker=f"{CN[j]}是", heading=heading, start=start, end=len(text), section_kind=None))
            text += "\n"
        rows.append(dict(measure_id=sec_id, parent_id=None, level=1, path=CN[i], marker=f"{CN[i]}、",
                         heading=sec_heading, start=sec_start, end=len(text) - 1, section_kind=kind))
    return text, rows


def build_tables() -> dict[str, pd.DataFrame]:
    """documents, measures, statistics and models tables of the synthetic corpus."""
    docs, measures, stats, models = [], [], [], []
    for spec in DOCUMENTS:
        text, rows = _build_document(spec)
        did = doc_id(spec["key"])
        dup = spec.get("duplicate_of")
        docs.append(dict(doc_id=did, source=f"{spec['key']}.txt", part=0, title=spec["title"], date=spec["date"],
                         text=text, chars=len(text), duplicate_of=doc_id(dup) if dup else None,
                         province=spec["province"], prefecture=spec["prefecture"], county=spec["county"],
                         adcode=spec["adcode"], place_level="county" if spec["county"] else None))
        measures += [dict(doc_id=did, text=text[r["start"]:r["end"]], **r) for r in rows]
        pos = text.find(MODEL_SURFACE)
        if pos >= 0:
            models.append(dict(doc_id=did, measure_id=None, surface=MODEL_SURFACE,
                               components=["党支部", "合作社", "农户"], canonical="党支部+合作社+农户",
                               numeric=False, start=pos, end=pos + len(MODEL_SURFACE)))
    texts = {d["doc_id"]: d["text"] for d in docs}
    for key, surface, value, unit, indicator, level in STATISTICS:
        start = texts[doc_id(key)].find(surface)
        stats.append(dict(doc_id=doc_id(key), measure_id=None, text=surface, value=value, value_high=None, unit=unit,
                          qualifier=None, indicator=indicator, indicator_norm=indicator, level=level, period=None,
                          kind="share" if unit == "%" else "result", start=start, end=start + len(surface)))
    return {"documents": pd.DataFrame(docs), "measures": pd.DataFrame(measures),
            "statistics": pd.DataFrame(stats), "models": pd.DataFrame(models)}


@pytest.fixture()
def corpus_tables() -> dict[str, pd.DataFrame]:
    """Fresh synthetic tables (tests may not share mutable frames)."""
    return build_tables()


@pytest.fixture(scope="session")
def resources():
    """The packaged analyze resources."""
    return load_analyze_resources()


@pytest.fixture(scope="session")
def tokenizer(resources):
    """One private jieba tokenizer for the whole test session (building one takes about a second)."""
    return make_tokenizer(resources.userdict)
