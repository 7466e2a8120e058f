"""Slim Material's search index before it is published.

Material writes every section's text as JSON with every Chinese character
escaped (``\\u4e2d``, six bytes for three) and the sections in page order.
Readers on slow connections download the whole index before their first
search, so it is rewritten as UTF-8, without the markup tags the result list
does not need, and with sections of the same kind next to each other: their
shared wording then falls inside gzip's 32 KB window, which is what keeps the
download of a county's index small. jieba's word boundaries stay, since the
search worker ranks whole-word matches with them, but as one byte (DEL, which
YAML data cannot hold) instead of U+200B's three, and not next to white
space, which is a boundary anyway.

Each page's own entry also says where the page is (``place``: the
government and the unit), which the result list shows above its title: on a
platform the covers of two counties' units are both "封面与目录". It is
shown, not searched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

from .pages import GeneratedPage, page_url

_MARKUP = re.compile(r"</?(?:p|li|ul|ol|code|pre|sub|sup)>")
_SPACE = re.compile(r"[ \t\r\n]+")
_JIEBA_BOUNDARY = "\u200b"
WORD_BOUNDARY = "\x7f"  # what overrides/assets/javascripts/search-worker.js reads
_REDUNDANT_BOUNDARY = re.compile("\u200b*( )\u200b*|^\u200b+|\u200b+$")


def _clean(text: str) -> str:
    text = _SPACE.sub(" ", _MARKUP.sub(" ", text)).strip()
    return _REDUNDANT_BOUNDARY.sub(r"\1", text).replace(_JIEBA_BOUNDARY, WORD_BOUNDARY)


def _kind(location: str) -> tuple[str, str]:
    """Sections of the same kind (same anchor, e.g. every project's ``#indicators``) sort together."""
    path, _, anchor = location.partition("#")
    return anchor, path


def result_places(pages: Iterable[GeneratedPage], directory_urls: bool,
                  government: str | None = None) -> dict[str, str]:
    """Where each unit's and region's page is, by its address in the search index:
    ``博野县 · 博野县信访局`` (``government``: the region whose site this is, if any)."""
    places = {}
    for page in pages:
        unit, summary = page.context.get("unit"), page.context.get("summary")
        names = (government, unit.name) if unit is not None else (summary.region.name,) if summary is not None else ()
        if place := " · ".join(dict.fromkeys(name for name in names if name)):
            places[page_url(page.src_uri, directory_urls)] = place
    return places


def compact_search_index(raw: str, places: Mapping[str, str] | None = None) -> str:
    """The index slimmed and sorted; ``places`` (``result_places``) added to the pages' own entries."""
    data = json.loads(raw)
    docs = []
    for doc in data["docs"]:
        slim = {**doc, "title": _clean(doc["title"]), "text": _clean(doc["text"])}
        if places and (place := places.get(doc["location"])):
            slim["place"] = place
        docs.append(slim)
    docs.sort(key=lambda doc: (*_kind(doc["location"]), doc["title"]))
    return json.dumps({**data, "docs": docs}, ensure_ascii=False, separators=(",", ":"))
