"""The web face in a real browser (issue 18): Debian's headless Chromium driven by selenium.

`graphbuild serve` runs as a real process on a graph built from data/ plus one article with a
hostile title.  The test walks what a journalist would: the home page, a search by number and
one by a subject word without diacritics, the document with its citing articles and the
highlighted sentence, its issuer, a worked query from the query page with its table, and the
hostile title shown as text (no script ran).  A screenshot of each page is written to a temporary
folder, or to GRAPHBUILD_SCREENSHOTS when set: `GRAPHBUILD_SCREENSHOTS=docs/screenshots` refreshes
the ones the README shows (a test run never changes the work tree by itself).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from _web_graph import HOSTILE_TITLE, Served, web_graph

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SHOTS = Path(os.environ.get("GRAPHBUILD_SCREENSHOTS") or tempfile.mkdtemp(prefix="graphbuild-screenshots-"))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    s = Served(web_graph(tmp_path_factory), "--timeout", "20", "--workers", "2")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="pip install selenium (the test extra)")
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        pytest.skip("apt-get install chromium chromium-driver (.ci/run does)")
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="graphbuild-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1280,1000", "--lang=vi", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def shot(driver, name: str) -> None:
    """A full-page screenshot (the window grown to the page's height, then put back)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 4000)")
    size = driver.get_window_size()
    driver.set_window_size(size["width"], max(600, height + 40))
    driver.save_screenshot(str(SHOTS / f"{name}.png"))
    driver.set_window_size(size["width"], size["height"])


def search(driver, words: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element(By.ID, "q")
    box.clear()
    box.send_keys(words, Keys.ENTER)  # the keyboard, as a person would


def test_a_journalist_walks_the_graph(served: Served, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    d = browser
    wait = WebDriverWait(d, 30)
    d.get(served.base + "/")
    assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
    assert d.find_element(By.CSS_SELECTOR, ".totals").text
    assert d.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar"), "citations per year are drawn"
    shot(d, "home")

    search(d, "205-QĐ/TW")
    wait.until(ec.presence_of_element_located((By.ID, "documents")))
    assert "Quy định 205-QĐ/TW" in d.find_element(By.ID, "documents").text
    shot(d, "search-number")

    search(d, "kiem soat quyen luc")
    wait.until(ec.presence_of_element_located((By.ID, "documents")))
    link = d.find_element(By.CSS_SELECTOR, '#documents a[href="/id/doc/qd-tw_2019_205"]')
    shot(d, "search-subject")

    link.click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "ol.citations")))
    assert "205-QĐ/TW" in d.find_element(By.TAG_NAME, "h1").text
    citations = d.find_elements(By.CSS_SELECTOR, "ol.citations li.citation")
    assert len(citations) >= 2, "the citing articles are listed"
    marks = d.find_elements(By.CSS_SELECTOR, "ol.citations blockquote mark.ref")
    assert marks and any("205" in m.text for m in marks), "the reference is highlighted in its sentence"
    titles = [c.find_element(By.CSS_SELECTOR, "a.title").text for c in citations]
    assert HOSTILE_TITLE in titles, "the hostile title is shown as text"
    assert d.execute_script("return window.__pwned === undefined"), "a title's markup ran"
    shot(d, "document")

    hostile = next(c for c in citations if c.find_element(By.CSS_SELECTOR, "a.title").text == HOSTILE_TITLE)
    hostile.find_element(By.CSS_SELECTOR, "a.title").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".article-text mark")))
    assert d.find_element(By.TAG_NAME, "h1").text == HOSTILE_TITLE
    assert d.execute_script("return window.__pwned === undefined")
    assert "<b>Không</b>" in d.find_element(By.CSS_SELECTOR, ".article-text").text
    shot(d, "article-hostile")
    d.back()

    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "a.issuer")))
    d.find_element(By.CSS_SELECTOR, "a.issuer").click()
    wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Bộ Chính trị"))
    assert d.find_elements(By.CSS_SELECTOR, "table.sortable tbody tr"), "the documents it issued"
    shot(d, "issuer")

    d.get(served.base + "/query")
    d.find_element(By.CSS_SELECTOR, "a[href='/query?example=09-most-cited-documents']").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "table.results-table tbody tr")))
    rows = d.find_elements(By.CSS_SELECTOR, "table.results-table tbody tr")
    assert rows and rows[0].find_elements(By.CSS_SELECTOR, "a[href^='/id/']"), "results link to their pages"
    header = d.find_element(By.CSS_SELECTOR, "table.results-table th button")
    header.click()  # sortable
    assert d.find_element(By.CSS_SELECTOR, "table.results-table th").get_attribute("aria-sort") == "ascending"
    shot(d, "query")

    d.set_window_size(390, 844)  # a phone
    d.get(served.base + "/id/doc/qd-tw_2019_205")
    width = d.execute_script("return document.documentElement.scrollWidth")
    assert width <= 400, f"the document page is {width}px wide on a 390px phone"
    shot(d, "document-phone")
    d.set_window_size(1280, 1000)
