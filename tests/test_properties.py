"""Property-based tests: any text in any text field loads, renders and builds,
and appears on its page exactly as written."""

from __future__ import annotations

import copy
import functools
import tempfile
from dataclasses import replace
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget_site.loading import load_data, load_unit
from budget_site.pages import plan_year
from budget_site.site_build import build_site
from budget_site.validation import BIDI_CONTROLS

from conftest import ROOT, examples, page_path

REFERENCE = yaml.safe_load((ROOT / "data/2023/230001.yaml").read_text("utf-8"))

# Any printable text with at least one visible character; control characters
# cannot be stored in YAML and direction overrides are refused by validation.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\ufeff") | st.just("\n"),
    min_size=1, max_size=60,
).filter(lambda s: s.strip() and not BIDI_CONTROLS.search(s))

# (path into the YAML data, the page the text is shown on)
FIELDS = [
    (("unit", "name"), "230001/index.md"),
    (("prepared_by",), "230001/index.md"),
    (("overall_goals", 3), "230001/overall-goals.md"),
    (("itemised_goals", 1, "title"), "230001/itemised-goals.md"),
    (("itemised_goals", 2, "indicator"), "230001/itemised-goals.md"),
    (("measures", 0, "text"), "230001/safeguards.md"),
    (("projects", 0, "name"), "230001/13063722P004351100152.md"),
    (("projects", 1, "use_of_funds"), "230001/13063722P00435110016M.md"),
    (("projects", 1, "target"), "230001/13063722P00435110016M.md"),
    (("projects", 0, "spending_plan", 2, "period"), "230001/13063722P004351100152.md"),
    (("projects", 0, "indicators", 4, "level2"), "230001/13063722P004351100152.md"),
    (("projects", 1, "indicators", 7, "value"), "230001/13063722P00435110016M.md"),
    (("projects", 1, "indicators", 0, "basis"), "230001/13063722P00435110016M.md"),
]


def with_text(path: tuple, text: str) -> dict:
    data = copy.deepcopy(REFERENCE)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = text
    return data


def write_data(folder: Path, data: dict) -> Path:
    path = folder / "2023" / "230001.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def article_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    article = soup.select_one("article.md-content__inner") or soup
    # A download's size follows from its content; a chart's labels are cut to fit
    # (the table beside it holds the text whole).
    for element in article.select(".budget-size, budget-size, svg"):
        element.decompose()
    return article.get_text()


# A value no page holds: the page made with it shows where the field's text must go.
SENTINEL = "甲乙丙丁戊SENTINEL己庚辛"


def shown_exactly(page_with_text: str, page_with_sentinel: str, text: str) -> bool:
    """The page with ``text`` is the sentinel's page with ``text`` wherever the
    sentinel was: shown whole, in every place, and nowhere else. (``text in page``
    alone holds for "的" or "1" on any page.)"""
    with_sentinel = article_text(page_with_sentinel)
    return SENTINEL in with_sentinel and article_text(page_with_text) == with_sentinel.replace(SENTINEL, text)


@settings(max_examples=examples(150), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), text=TEXT)
def test_any_text_loads_and_renders_exactly(field, text):
    year = load_data(ROOT / "data")[2023]
    html = {}
    for value in (text, SENTINEL):
        with tempfile.TemporaryDirectory() as folder:
            unit, problems = load_unit(write_data(Path(folder), with_text(field[0], value)), 2023)
        assert problems == [] and unit is not None
        html[value] = plan_year(replace(year, units=(unit,))).page(field[1]).html
    assert shown_exactly(html[text], html[SENTINEL], text)


@settings(max_examples=examples(8))
@given(field=st.sampled_from(FIELDS), text=TEXT)
def test_any_text_survives_the_real_build(field, text):
    assert shown_exactly(built_page(field, text), built_page(field, SENTINEL), text)


@functools.cache
def built_page(field: tuple, text: str) -> str:
    """The page showing ``field`` in a real build with ``text`` there (the sentinel's built once a field)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_data(root / "data", with_text(field[0], text))
        build_site(root / "data", root / "site", ROOT / "mkdocs.yml")
        return (root / "site" / "2023" / page_path(field[1])).read_text("utf-8")
