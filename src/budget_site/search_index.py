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
"""

from __future__ import annotations

import json
import re

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


def compact_search_index(raw: str) -> str:
    data = json.loads(raw)
    docs = []
    for doc in data["docs"]:
        slim = {**doc, "title": _clean(doc["title"]), "text": _clean(doc["text"])}
        docs.append(slim)
    docs.sort(key=lambda doc: (*_kind(doc["location"]), doc["title"]))
    return json.dumps({**data, "docs": docs}, ensure_ascii=False, separators=(",", ":"))
