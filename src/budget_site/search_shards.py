"""Split the search index into shards that the search worker fetches on demand.

One index for the whole year grows with the site (11 MB gzip at 10,000 units)
and every reader's first search downloaded all of it. Like Pagefind's chunked
index, the sections are cut here into document shards (whole pages, one
region each, about ``SHARD_BYTES`` of text), and every gram of one to three
characters of the searchable text gets a posting list: which shards hold it,
and how often. Posting lists are spread over ``term files`` by a hash of the
gram that overrides/assets/javascripts/search-worker.js computes the same way, so a
query fetches the small manifest, the term files of its grams, and then only
the best candidate shards up to a byte budget. The worker matches substrings,
so the grams are of the searchable form it builds (NFKC per character, lower
case, without white space or word boundaries), and a shard that holds a term
holds each of its trigrams: the posting lists give a superset of the shards to
look at, never fewer. Trigrams, not bigrams alone: in a province the bigrams of
财政资产管理 are each in nearly every shard, while 政资产 is in one; with bigrams
alone, a search on the home of a 10,000-unit year found 234 of 400 phrases that
at most three shards hold in its first five results, with trigrams 386.

Every file is a script calling ``__shard(name, data)``: a worker loads it with
``importScripts``, which also works from ``file://`` through the iframe-worker
shim, where a worker cannot fetch.

A republished site must not mix with what a reader's browser kept of the one
before. As Pagefind names its fragments, every term file and document shard is
named by a hash of its content (``t.<hash>``, ``d.<hash>``), so a name never
holds other data and may be kept for good (deploy/nginx: immutable); only the
small ``manifest`` keeps its name, is revalidated on every load, carries
``FORMAT`` and names every other file. A worker holding an old manifest asks
for files the new site no longer has, and reloads the manifest (search-worker.js).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SHARD_BYTES = 48_000  # UTF-8 bytes of text per document shard, about 12 KB gzip
TERM_FILE_BYTES = 16_000  # posting bytes per term file (estimated high): about 1 KB gzip
MAX_COUNT = 999  # counts only order the candidate shards: capped, to keep posting lists short
TITLE_WEIGHT = 4  # a title hit counts as much as four in the text, as in the worker
FORMAT = 2  # the manifest's layout, which search-worker.js checks (1: fixed names, no version)
HASH_LENGTH = 12  # hex digits of SHA-256 in a shard's name: 48 bits, no two alike among a province's files
_IGNORED = {"\x7f", "\u200b", "\ufeff"}  # jieba's word boundaries; U+FEFF, white space to JavaScript's \s


@dataclass(frozen=True)
class RegionEntry:
    """A government a reader can narrow search to: code, name and parent code."""

    code: str
    name: str
    parent: str | None


def _fold(ch: str) -> str:
    """One character as the worker folds it: NFKC and lower case when that is one
    character, else lower case alone; nothing for white space and word boundaries."""
    if ch in _IGNORED or ch.isspace() or ch <= " ":  # the worker's isSpace
        return ""
    folded = unicodedata.normalize("NFKC", ch).lower()
    return folded if len(folded) == 1 else ch.lower()


class _FoldTable(dict):
    """Code point → its folded form, for str.translate, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = _fold(chr(code))
        return folded


_FOLDED = _FoldTable()


def searchable(text: str) -> str:
    """The worker's searchable form (search-worker.js ``prepare``): folded per character,
    white space and jieba's word boundaries dropped. Through a table of the characters
    met so far: folding each character anew was half the cost of cutting the shards."""
    return text.translate(_FOLDED)


def gram_hash(gram: str, files: int) -> int:
    """Which term file holds a gram (search-worker.js ``gramFile`` computes the same)."""
    value = 0
    for ch in gram:
        value = (value * 31 + ord(ch)) % files
    return value


def _grams(text: str) -> list[str]:
    grams = list(text)
    grams += [text[i:i + 2] for i in range(len(text) - 1)]
    grams += [text[i:i + 3] for i in range(len(text) - 2)]
    return grams


def _pages(docs: Sequence[dict]) -> list[list[dict]]:
    """Sections grouped by page, pages in location order (a region's pages together)."""
    by_page: dict[str, list[dict]] = defaultdict(list)
    for doc in docs:
        by_page[doc["location"].partition("#")[0]].append(doc)
    return [sorted(by_page[page], key=lambda doc: (doc["location"], doc["title"])) for page in sorted(by_page)]


def _region_of(page: str, regions: dict[str, int]) -> int:
    return regions.get(page.partition("/")[0], -1)


def _posting_list(held: list[int]) -> list[int]:
    """[shard, count, …] in shard order → [shard − previous shard, count, …]: mostly small
    numbers, the counts capped."""
    flat = held[:]
    flat[2::2] = [shard - previous for previous, shard in zip(held[0:-2:2], held[2::2], strict=True)]
    flat[1::2] = [min(count, MAX_COUNT) for count in held[1::2]]
    return flat


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _script(name: str, data: object) -> str:
    return f"__shard({json.dumps(name)},{_json(data)})\n"


def _hashed(kind: str, data: object, folder: str = "") -> tuple[str, str]:
    """A term file's or document shard's name (``folder`` + ``kind.<hash of its data>``)
    and its script: the same data, the same name, build after build."""
    name = f"{folder}{kind}.{hashlib.sha256(_json(data).encode()).hexdigest()[:HASH_LENGTH]}"
    return name, _script(name, data)


def _file_name(name: str) -> str:
    """The file a shard's name stands for, in the folder it is written to (without ".js")."""
    return name.rpartition("/")[2]


def _gzip_size(script: str) -> int:
    return len(gzip.compress(script.encode(), mtime=0))


@dataclass
class _Cut:
    """Document shards and the posting list of every gram over them."""

    shards: list[list[dict]]
    regions: list[int]  # each shard's region (index into the manifest's regions; −1: none)
    postings: dict[str, Sequence[int]]  # gram → [shard − previous shard, count, …]
    sections: int
    length: int  # searchable characters of all sections


def _cut(docs: Sequence[dict], region_index: dict[str, int]) -> _Cut:
    shards: list[list[dict]] = []
    shard_regions: list[int] = []
    size = 0
    for page in _pages(docs):
        region = _region_of(page[0]["location"], region_index)
        page_bytes = sum(len(doc["title"].encode()) + len(doc["text"].encode()) for doc in page)
        if not shards or size + page_bytes > SHARD_BYTES or region != shard_regions[-1]:
            shards.append([])
            shard_regions.append(region)
            size = 0
        shards[-1].extend(page)
        size += page_bytes

    postings: dict[str, list[int]] = defaultdict(list)  # gram → [shard, count, …]
    total_length = 0
    for number, shard in enumerate(shards):
        counts: Counter[str] = Counter()
        for doc in shard:
            text = searchable(doc["text"])
            total_length += len(text)
            counts.update(_grams(text))
            for gram in _grams(searchable(doc["title"])):
                counts[gram] += TITLE_WEIGHT
        for gram, count in counts.items():
            postings[gram] += (number, count)
    lists = {gram: _posting_list(postings[gram]) for gram in sorted(postings)}
    return _Cut(shards, shard_regions, lists, len(docs), total_length)


def _router(cut: _Cut, shard_entries: list[list], regions: Sequence[RegionEntry]) -> dict[str, str]:
    """The term files and the manifest over every shard of the year."""
    posting_bytes = sum(len(gram) * 3 + len(json.dumps(list(flat))) for gram, flat in cut.postings.items())
    term_files = max(1, posting_bytes // TERM_FILE_BYTES)
    files: list[dict[str, Sequence[int]]] = [{} for _ in range(term_files)]
    for gram, flat in cut.postings.items():
        files[gram_hash(gram, term_files)][gram] = flat
    named = [_hashed("t", {gram: list(flat) for gram, flat in held.items()}) for held in files]
    out = dict(named)
    out["manifest"] = _script("manifest", {
        "format": FORMAT,
        "sections": cut.sections,
        "averageLength": cut.length / max(1, cut.sections),
        "terms": [name for name, _ in named],  # term file of each gram_hash value
        "regions": [[r.code, r.name, r.parent] for r in regions],
        "shards": shard_entries,  # [region, gzip bytes, name]
    })
    return out


def _document_shards(cut: _Cut, folder: str = "") -> tuple[dict[str, str], list[tuple[str, int]]]:
    """The cut's document shards (file name → script) and each one's name and gzip size."""
    named = [_hashed("d", shard, folder) for shard in cut.shards]
    return ({_file_name(name): script for name, script in named},
            [(name, _gzip_size(script)) for name, script in named])


def shard_search_index(compact_index: str, regions: Sequence[RegionEntry] = ()) -> dict[str, str]:
    """The shard files (file name without ".js" → script) for a year's compacted
    ``search_index.json``."""
    cut = _cut(json.loads(compact_index)["docs"], {region.code: i for i, region in enumerate(regions)})
    out, named = _document_shards(cut)
    entries = [[region, size, name] for region, (name, size) in zip(cut.regions, named, strict=True)]
    return {**out, **_router(cut, entries, regions)}


# ---------------------------------------------------------------- regional sites
#
# Each region is its own MkDocs build (regional_build): it writes its document
# shards into <year>/<region>/search/shards/ and its posting lists beside them
# (REGION_POSTINGS); the year's own build then makes the term files and the
# manifest over every region's shards from those, without reading their text.

REGION_POSTINGS = "postings.json"


def region_shard_folder(code: str) -> str:
    """A region's search/shards/ as the manifest (in <year>/search/shards/) names it."""
    return f"../../{code}/search/shards/"


def region_search_files(compact_index: str, code: str) -> tuple[dict[str, str], str]:
    """A region's document shards (file name → script, under its search/shards/) and its
    posting lists (JSON, for the year's router); locations get the region's folder."""
    docs = [{**doc, "location": f"{code}/{doc['location']}"} for doc in json.loads(compact_index)["docs"]]
    cut = _cut(docs, {})
    out, named = _document_shards(cut, region_shard_folder(code))
    record = {"code": code, "sections": cut.sections, "length": cut.length,
              "shards": [[size, name] for name, size in named], "postings": cut.postings}
    return out, _json(record)


def year_router(compact_index: str, regions: Sequence[RegionEntry], region_records: Iterable[str]) -> dict[str, str]:
    """The year's search files of a regional site: its own pages' shards (the year
    home, the hand-written pages), and the term files and manifest over those and
    every region's shards (``region_records``: their posting lists, in region order)."""
    cut = _cut(json.loads(compact_index)["docs"], {})
    out, named = _document_shards(cut)
    entries: list[list] = [[-1, size, name] for name, size in named]
    region_index = {region.code: i for i, region in enumerate(regions)}
    last = {gram: sum(flat[0::2]) for gram, flat in cut.postings.items()}  # each gram's last shard so far
    # Machine integers, not lists: at 10,000 units the year's posting lists hold some 30
    # million numbers, and a list spends 8 to 36 bytes on each.
    postings = {gram: array("i", flat) for gram, flat in cut.postings.items()}
    for text in region_records:
        record = json.loads(text)
        offset = len(entries)
        entries += [[region_index[record["code"]], size, name] for size, name in record["shards"]]
        cut.sections += record["sections"]
        cut.length += record["length"]
        for gram, flat in record["postings"].items():
            first = offset + flat[0]
            held = postings.setdefault(gram, array("i"))
            held.append(first - last.get(gram, 0))
            held.extend(flat[1:])
            last[gram] = first + sum(flat[2::2])
    cut.postings = dict(sorted(postings.items()))
    return {**out, **_router(cut, entries, regions)}
