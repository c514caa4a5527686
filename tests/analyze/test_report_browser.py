"""The report in headless Chromium, as a reader uses it: click a cited example, land on its sentence.

Needs Debian's chromium and chromium-driver (`make browser` installs them; `make test` runs it first).
These tests fail, never skip, when the browser is missing: the report's links are part of the contract.
"""

from __future__ import annotations

import shutil
import time

import pandas as pd
import pytest

CHROMIUM = ("chromium", "chromium-browser")
DRIVER = "chromedriver"


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver = next((shutil.which(b) for b in CHROMIUM if shutil.which(b)), None), shutil.which(DRIVER)
    if binary is None or driver is None:
        pytest.fail("headless Chromium is needed for the report tests: run `make browser` (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.binary_location = binary
    chrome = webdriver.Chrome(service=Service(driver), options=options)
    yield chrome
    chrome.quit()


def marked_text(browser) -> str:
    from selenium.webdriver.common.by import By

    for _ in range(50):  # the page marks its target when loaded
        pieces = browser.find_elements(By.CSS_SELECTOR, ".doctext .target")
        if pieces:
            return "".join(p.text for p in pieces)
        time.sleep(0.1)
    return ""


def test_a_cluster_example_leads_to_its_sentence_marked_at_its_offsets(browser, pipeline_out):
    from selenium.webdriver.common.by import By

    browser.get((pipeline_out / "report" / "index.html").as_uri())
    quote = browser.find_element(By.CSS_SELECTOR, "#clusters blockquote")
    cited = quote.text
    link = quote.find_element(By.XPATH, "following-sibling::p[1]//a")
    start, end = (int(x) for x in link.get_attribute("href").rsplit("#s", 1)[1].split("-"))
    link.click()
    assert marked_text(browser) == cited
    doc_id = browser.current_url.rsplit("/", 1)[1].split(".html")[0]
    text = pd.read_parquet(pipeline_out / "documents.parquet").set_index("doc_id").at[doc_id, "text"]
    assert text[start:end] == cited  # the recorded offsets hold the quoted sentence


def test_a_shared_passage_leads_to_its_occurrence(browser, pipeline_out):
    from selenium.webdriver.common.by import By

    browser.get((pipeline_out / "report" / "index.html").as_uri())
    quote = browser.find_element(By.CSS_SELECTOR, "#reuse blockquote")
    cited = "".join(quote.text.rstrip("…").split())  # a passage may run over two paragraphs
    quote.find_element(By.XPATH, "following-sibling::p[1]//a").click()
    assert "".join(marked_text(browser).split()).startswith(cited)


def test_the_documents_page_filters_sorts_and_searches(browser, pipeline_out):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    documents = pd.read_parquet(pipeline_out / "documents.parquet")
    browser.get((pipeline_out / "report" / "documents.html").as_uri())
    rows = lambda: [r for r in browser.find_elements(By.CSS_SELECTOR, "#docs tbody tr") if r.is_displayed()]  # noqa: E731
    assert len(rows()) == len(documents)
    Select(browser.find_element(By.CSS_SELECTOR, "select[data-column='1']")).select_by_value("甘肃省")
    assert len(rows()) == int((documents["province"] == "甘肃省").sum()) > 0
    Select(browser.find_element(By.CSS_SELECTOR, "select[data-column='1']")).select_by_value("")
    browser.find_element(By.XPATH, "//table[@id='docs']//th[text()='日期']").click()
    dates = [r.find_elements(By.TAG_NAME, "td")[5].text for r in rows()]
    assert [d for d in dates if d] == sorted(d for d in dates if d)
    box = browser.find_element(By.CSS_SELECTOR, ".kwic input")
    box.send_keys("合作社")
    browser.find_element(By.CSS_SELECTOR, ".kwic button").click()
    for _ in range(50):
        hits = browser.find_elements(By.CSS_SELECTOR, ".kwic .hit")
        if hits:
            break
        time.sleep(0.1)
    expected = sum(t.count("合作社") for t in documents["text"])
    assert browser.find_element(By.CSS_SELECTOR, ".kwic .note").text.startswith(f"{expected} 处")
    hits[0].find_element(By.TAG_NAME, "a").click()
    assert marked_text(browser) == "合作社"
