"""The search index in shards (search_shards.py), without MkDocs: every section in
one document shard with its whole page and one region, the posting lists never
missing a shard that holds a term, and every file but the manifest named by a
hash of its content, so a republished site never shares a name with other data."""

from __future__ import annotations

import json
import random
import re

from budget_site import search_shards
from budget_site.search_shards import (
    FORMAT,
    RegionEntry,
    gram_hash,
    region_search_files,
    searchable,
    shard_search_index,
    year_router,
)

REGIONS = [RegionEntry("130600", "保定市", None), RegionEntry("130637", "博野县", "130600"),
           RegionEntry("130634", "曲阳县", "130600")]
WORDS = ["信访", "安保费", "值班", "群众", "满意度", "工作中心", "驻京", "绩效", "目标", "ＡＢＣ１２"]


def parse(script: str) -> tuple[str, object]:
    assert script.startswith("__shard(") and script.endswith(")\n")
    name, _, data = script[len("__shard("):-2].partition(",")
    return json.loads(name), json.loads(data)


def make_index(pages_per_region: int = 40) -> str:
    rng = random.Random(3)
    docs = []
    for region in ("130637", "130634"):
        for unit in range(pages_per_region):
            page = f"{region}/{230001 + unit}/index.html"
            docs.append({"location": page, "title": f"单位{unit}", "text": ""})
            for anchor in ("goals", "indicators"):
                text = "\x7f".join(rng.choice(WORDS) for _ in range(400))
                docs.append({"location": f"{page}#{anchor}", "title": rng.choice(WORDS), "text": text})
    rng.shuffle(docs)
    return json.dumps({"config": {}, "docs": docs}, ensure_ascii=False)


def shards_of(files: dict[str, str]) -> tuple[dict, dict[int, list[dict]], dict[str, list[int]]]:
    """The manifest, the document shards by number, and each gram's [shard, count, …], read
    through the names the manifest gives (each file's own ``__shard`` name is the same)."""
    manifest = parse(files["manifest"])[1]
    assert manifest["format"] == FORMAT
    assert {parse(script)[0] for script in files.values()} == {*files}
    assert sorted(files) == sorted({"manifest", *manifest["terms"], *(entry[2] for entry in manifest["shards"])})
    documents = {n: parse(files[entry[2]])[1] for n, entry in enumerate(manifest["shards"])}
    terms: dict[str, list[int]] = {}
    for number, name in enumerate(manifest["terms"]):
        for gram, flat in parse(files[name])[1].items():
            assert gram_hash(gram, len(manifest["terms"])) == number
            shards = [sum(flat[0:i + 1:2]) for i in range(0, len(flat), 2)]  # deltas → numbers
            terms[gram] = [value for pair in zip(shards, flat[1::2], strict=True) for value in pair]
    return manifest, documents, terms


def test_every_section_in_one_shard_with_its_page_and_region(monkeypatch):
    monkeypatch.setattr(search_shards, "SHARD_BYTES", 8_000)
    index = make_index()
    manifest, documents, _ = shards_of(shard_search_index(index, REGIONS))
    assert len(documents) > 10 and len(manifest["shards"]) == len(documents)
    located = [doc["location"] for n in sorted(documents) for doc in documents[n]]
    assert sorted(located) == sorted(doc["location"] for doc in json.loads(index)["docs"])
    page_shard: dict[str, int] = {}
    for n, docs in documents.items():
        for doc in docs:
            assert page_shard.setdefault(doc["location"].split("#")[0], n) == n
            region = manifest["regions"][manifest["shards"][n][0]][0]
            assert doc["location"].startswith(region + "/")
    assert manifest["sections"] == len(located)
    assert manifest["regions"][1] == ["130637", "博野县", "130600"]


def test_posting_lists_hold_every_shard_that_holds_a_gram(monkeypatch):
    monkeypatch.setattr(search_shards, "SHARD_BYTES", 8_000)
    monkeypatch.setattr(search_shards, "TERM_FILE_BYTES", 2_000)
    manifest, documents, terms = shards_of(shard_search_index(make_index(), REGIONS))
    assert len(manifest["terms"]) > 5
    for n, docs in documents.items():
        for text in (searchable(doc[field]) for doc in docs for field in ("title", "text")):
            for size in (1, 2, 3):
                for gram in {text[i:i + size] for i in range(len(text) - size + 1)}:
                    assert n in terms[gram][0::2], (gram, n)
    assert "bc" in terms and "ＢＣ" not in terms
    assert terms["群众"][1::2] and all(count > 0 for count in terms["群众"][1::2])


def test_searchable_is_the_workers_form():
    assert searchable("群众\x7f工作\u200b中心 ＡＢ １") == "群众工作中心ab1"


def test_shards_are_the_same_whatever_the_order_of_the_index():
    index = make_index(5)
    data = json.loads(index)
    data["docs"].reverse()
    assert shard_search_index(index, REGIONS) == shard_search_index(json.dumps(data, ensure_ascii=False), REGIONS)


def test_a_flat_site_has_no_regions():
    manifest, documents, _ = shards_of(shard_search_index(make_index(3)))
    assert manifest["regions"] == [] and {region for region, _, _ in manifest["shards"]} == {-1}
    assert all(size > 0 for _, size, _ in manifest["shards"]) and len(documents) >= 1


def test_characters_outside_the_basic_plane_are_one_character_each():
    """𠮷 (CJK Extension B) and emoji are one code point in Python and two UTF-16 units in the
    worker: grams, hashes and folding go by code point on both sides (search-worker.js)."""
    assert searchable("𠮷田\u00a0𪚥村 😀\ufeff") == "𠮷田𪚥村😀"
    assert searchable("\U0002f800𝐀ﬀİ") == "丽aﬀi\u0307"  # folded when NFKC gives one code point
    assert gram_hash("𠮷", 97) == 0x20BB7 % 97 and gram_hash("𠮷田", 97) == (0x20BB7 * 31 + ord("田")) % 97
    docs = [{"location": "130637/230001/index.html#goals", "title": "目标", "text": "负责𠮷田\x7f𪚥村😀服务"}]
    _, _, terms = shards_of(shard_search_index(json.dumps({"docs": docs}, ensure_ascii=False)))
    for gram in ("𠮷", "𠮷田", "田𪚥", "𪚥村", "村😀", "😀服", "𠮷田𪚥", "𪚥村😀"):
        assert terms[gram][0::2] == [0], gram
    assert not any(len(gram) > 3 or "\x7f" in gram for gram in terms)


def test_files_are_named_by_their_content():
    """A unit added: the shards and term files whose data changed get new names, those
    unchanged keep theirs; a name is ``d.``/``t.`` and 12 hex digits of SHA-256 of the data."""
    before = shard_search_index(make_index(6), REGIONS)
    data = json.loads(make_index(6))
    data["docs"].append({"location": "130634/239999/index.html", "title": "新增单位", "text": "新增单位的驻京工作"})
    after = shard_search_index(json.dumps(data, ensure_ascii=False), REGIONS)
    for files in (before, after):
        assert all(re.fullmatch(r"[dt]\.[0-9a-f]{12}", name) for name in files if name != "manifest")
    changed = [name for name in after if name != "manifest" and name not in before]
    kept = [name for name in after if name in before and name != "manifest"]
    assert any(name.startswith("d.") for name in changed) and any(name.startswith("t.") for name in changed)
    assert kept and all(after[name] == before[name] for name in kept)
    assert after["manifest"] != before["manifest"]


def test_a_regional_year_names_every_region_shard_by_its_path_and_content():
    """The regional build: each region's shards in its folder, named by content; the year's
    manifest names them by their path from <year>/search/shards/, its own beside it."""
    docs = json.loads(make_index(3))["docs"]
    records, region_files = [], {}
    for code in ("130637", "130634"):
        own = [{**doc, "location": doc["location"].partition("/")[2]}
               for doc in docs if doc["location"].startswith(code)]
        files, record = region_search_files(json.dumps({"docs": own}, ensure_ascii=False), code)
        assert all(re.fullmatch(r"d\.[0-9a-f]{12}", name) for name in files)
        region_files[code] = files
        records.append(record)
    home = json.dumps({"docs": [{"location": "index.html", "title": "首页", "text": "年度首页"}]}, ensure_ascii=False)
    year = year_router(home, REGIONS, records)
    manifest = parse(year["manifest"])[1]
    assert manifest["format"] == FORMAT
    own = [entry for entry in manifest["shards"] if entry[0] == -1]
    assert [entry[2] for entry in own] == [name for name in year if name.startswith("d.")]
    for region, _, name in manifest["shards"]:
        if region != -1:
            code = REGIONS[region].code
            folder, _, file = name.rpartition("/")
            assert folder == f"../../{code}/search/shards" and parse(region_files[code][file])[0] == name
    assert sorted(manifest["terms"]) == sorted(name for name in year if name.startswith("t."))
