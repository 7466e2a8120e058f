"""The search index in shards (search_shards.py), without MkDocs: every section in
one document shard with its whole page and one region, and the posting lists
never missing a shard that holds a term."""

from __future__ import annotations

import json
import random

from budget_site import search_shards
from budget_site.search_shards import RegionEntry, gram_hash, searchable, shard_search_index

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
    manifest = parse(files["manifest"])[1]
    documents = {int(name[1:]): parse(script)[1] for name, script in files.items() if name.startswith("d")}
    terms: dict[str, list[int]] = {}
    for name, script in files.items():
        if name.startswith("t"):
            for gram, flat in parse(script)[1].items():
                assert gram_hash(gram, manifest["termFiles"]) == int(name[1:])
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
    assert manifest["termFiles"] > 5
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
    assert manifest["regions"] == [] and {region for region, _ in manifest["shards"]} == {-1}
    assert all(size > 0 for _, size in manifest["shards"]) and len(documents) >= 1


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
