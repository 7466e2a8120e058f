/*
 * Search worker for Chinese budget documents, speaking the message protocol of
 * Material for MkDocs' own search worker (SETUP → READY, QUERY → RESULT), so
 * Material's search box, result list, keyboard handling and ?q= deep links
 * stay as they are.
 *
 * Why not Material's worker: its experimental Chinese query segmentation never
 * tests a piece that ends with the query's last character and joins the pieces
 * with OR, so "群众来访" searches for "群众*" alone and sections that share
 * one word outrank the one that holds the whole query.
 *
 * What this one does:
 * - a query is split at white space into terms; a section matches when it
 *   contains every term as written (substring match, so "安保" finds 安保费,
 *   "工作中心" finds 群众工作中心 and a project code finds its project);
 * - sections are ranked with BM25 over those substring matches, title hits
 *   weigh more, and a match that coincides with the word boundaries jieba
 *   put into the index (U+200B, written as DEL by search_index.py) weighs a
 *   little more than one inside a word;
 * - only when no section holds a term is that term cut into the longest
 *   pieces that occur in the site, and sections are ranked by how many of
 *   the pieces they hold; missing terms are reported as Material does;
 * - a one-term query is often the leading part of several words ("安保" of
 *   安保服务 and 安保费): the first results show the best page for each of
 *   those words before the rest, so a reader typing sees every sense.
 *
 * Where the sections come from: the index is in shards (search_shards.py).
 * A query loads the manifest, the term files of its grams (which document
 * shards hold each gram, and how often), then the candidate shards best
 * first up to BUDGET bytes, and is answered over those shards' sections. A
 * shard is a script calling __shard(), loaded with importScripts, or from
 * file:// (where the iframe-worker shim runs this script in an iframe) with a
 * script element.
 *
 * A republish: term files and document shards are named by a hash of their
 * content (search_shards.py), only the manifest keeps its name and names the
 * rest; the server has it revalidated on every load. A worker that outlived
 * the site it started on (a page left open) or got an old manifest asks for
 * files that are gone: then, or when the manifest is of another FORMAT, it
 * loads the manifest once more past the browser's cache and answers from
 * that; if that fails too, the reader reads so in Chinese, never an answer
 * silently missing shards. `region:名称` or `region:代码`
 * (also 地区:) in a query narrows it to a region and the regions under it.
 * On a region's own pages (SETUP names it) that region's shards are loaded
 * first and its sections weigh HOME_BOOST times as much: a reader of 博野县
 * who searches 信访局 on a province platform means 博野县's, not one of a
 * hundred counties' alike.
 *
 * Text is handled by code point, as Python's searchable() does, so that
 * characters outside the Basic Multilingual Plane (CJK Extension B names such
 * as 𠮷, emoji) fold, hash and highlight alike on both sides.
 */
"use strict"

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3

const TITLE_BOOST = 4
const HOME_BOOST = 3   /* Sections of the region whose pages the reader is on */
const ALIGNED_BONUS = 0.25
const K1 = 1.2, B = 0.75
const SNIPPET = 90
const DIVERSE = 5      /* Leading results that show distinct completions */
const MAX_GRAMS = 16    /* Term files (about 1 KB gzip each) one query term may load */
const PIECE_WEIGHT = 1 << 20  /* Above any sum of counts (each at most 999): characters covered come first */
const BUDGET = 180000  /* gzip bytes of document shards one query may load: with the worker, manifest and term files, under 300 KB */
const FORMAT = 2       /* The manifest's layout this worker reads: search_shards.FORMAT */

let sections = []      /* Indexed sections */
let pages = new Map()  /* Page location → article section */
let corpus = ""        /* All normalised text, for "does this piece occur?" */
let averageLength = 1
let total = 1          /* Sections in the whole index, for BM25 weights */

/* ------------------------------------------------------------------------
 * Shards
 * --------------------------------------------------------------------- */

let shardBase = ""     /* Address of search/shards/ */
let pageAddress = ""   /* The reader's page (SETUP), which the error result links to: reloading it */
let homeRegion = null  /* Code of the region whose pages the reader is on (SETUP) */
let homeShards = null  /* Its shards and those of the regions under it, once the manifest is in */
let manifest = null
const files = new Map()         /* Shard name → promise of its data (null: it did not load, and is forgotten) */
const arrived = new Map()       /* Shard name → resolve, until its script has run */
const shardSections = new Map() /* Document shard number → its sections */
const WAIT = 10000              /* ms a shard may take from file:// before search gives up on it */

/* A file the manifest names did not load, or the manifest is not one this worker reads. */
class Stale extends Error {}

/* Called by every shard script, with the name the manifest gives it. */
function __shard(name, data) {
  const resolve = arrived.get(name)
  arrived.delete(name)
  if (resolve) resolve(data)
}
self.__shard = __shard

/* A shard that did not load (or did not call __shard with its name): null,
   and forgotten, so the next query asks for it again. */
function missing(name, why) {
  if (!arrived.has(name)) return
  console.warn(`search: ${name}.js ${why}`)
  files.delete(name)
  __shard(name, null)
}

/* Run a shard's script. In a worker importScripts (which throws when the file
   cannot be loaded); through the iframe-worker shim, in an iframe whose
   importScripts waits forever for a missing file, a script element. */
function run(name, query = "") {
  const url = new URL(`${name}.js${query}`, shardBase).href
  if (typeof WorkerGlobalScope !== "undefined") {
    try {
      importScripts(url)
    } catch (err) {
      missing(name, err.message)
    }
    missing(name, "did not call __shard")
    return
  }
  const script = document.createElement("script")
  const timer = setTimeout(() => missing(name, "timed out"), WAIT)
  script.onload = () => { clearTimeout(timer); missing(name, "did not call __shard") }
  script.onerror = () => { clearTimeout(timer); missing(name, "could not be loaded") }
  script.src = url
  document.body.appendChild(script)
}

/* The shards' data, loading those not asked for before; Stale if one did not load
   (it is forgotten, and asked for again by the next query). */
async function load(names) {
  const fresh = [...new Set(names.filter(name => !files.has(name)))]
  for (const name of fresh) files.set(name, new Promise(resolve => arrived.set(name, resolve)))
  const data = Promise.all(names.map(name => files.get(name)))
  fresh.forEach(name => run(name))
  const loaded = await data
  const lost = names.filter((name, i) => !loaded[i])
  if (lost.length) throw new Stale(`${lost[0]}.js`)
  return loaded
}

/* A document shard's name: its file relative to search/shards/, without ".js"
   (a region's shards are in its own folder). */
function documentName(n) {
  return manifest.shards[n][2]
}

/* Term file of a gram: the manifest's name for its search_shards.gram_hash. */
function gramFile(gram) {
  let value = 0
  for (const ch of gram) value = (value * 31 + ch.codePointAt(0)) % manifest.terms.length
  return manifest.terms[value]
}

/* The term's grams of `size` characters in order (the term itself when shorter). */
function grams(term, size) {
  const chars = [...term]
  const n = Math.min(size, chars.length)
  return Array.from({ length: chars.length - n + 1 }, (_, i) => chars.slice(i, i + n).join(""))
}

/* Grams whose shards hold every shard that holds the term: its trigrams (its
   one bigram or character when shorter), at most MAX_GRAMS spread over it
   (each may cost a term file to load). Every trigram, not every other one:
   in a province the common ones (财政资, 资产管) are in most shards, and the
   rare one between them (政资产) is what finds the few shards that hold the
   phrase; a shard holding them all holds every bigram too. */
function coverGrams(term) {
  const all = grams(term, 3)
  return all.length <= MAX_GRAMS ? all
    : [...new Set(Array.from({ length: MAX_GRAMS }, (_, k) => all[Math.round(k * (all.length - 1) / (MAX_GRAMS - 1))]))]
}

/* Shard number → how often the gram occurs there. */
async function postings(grams) {
  const names = [...new Set(grams.map(gramFile))]
  const data = await load(names)
  const byFile = new Map(names.map((name, i) => [name, data[i]]))
  return grams.map(gram => {
    const flat = byFile.get(gramFile(gram))[gram] || []
    const held = new Map()
    for (let i = 0, shard = 0; i < flat.length; i += 2) held.set(shard += flat[i], flat[i + 1])
    return held
  })
}

/* Shards holding every gram, with the smallest count (at most the term's). */
function intersect(maps) {
  const [first, ...rest] = maps
  const result = new Map()
  if (!first) return result
  for (const [shard, count] of first) {
    let least = count
    for (const map of rest) least = Math.min(least, map.get(shard) || 0)
    if (least > 0) result.set(shard, least)
  }
  return result
}

/* Document shards that may hold the query's terms, with a score for their order. */
async function candidates(terms) {
  const covers = terms.map(coverGrams)
  const maps = await postings(covers.flat())
  const perTerm = []
  let at = 0
  for (const termGrams of covers) {
    perTerm.push(intersect(maps.slice(at, at + termGrams.length)))
    at += termGrams.length
  }
  const held = perTerm.filter(map => map.size)
  if (held.length) {
    const scores = new Map(held[0])
    for (const map of held.slice(1))
      for (const [shard, score] of scores)
        if (map.has(shard)) scores.set(shard, score + map.get(shard))
        else scores.delete(shard)
    return scores
  }
  /* No term is held anywhere: shards holding pieces of them. */
  const bigrams = terms.map(term => grams(term, 2))
  const pieceMaps = await postings(bigrams.flat())
  const scores = new Map()
  at = 0
  for (const termGrams of bigrams) {
    const maps = pieceMaps.slice(at, at + termGrams.length)
    for (const [shard, score] of pieceScores(maps, [...termGrams[0]].length))
      scores.set(shard, (scores.get(shard) || 0) + score)
    at += termGrams.length
  }
  return scores
}

/* A shard's pieces of a term: the runs of the term's grams (its bigrams in
   order, or its one character) that the shard holds. Shards whose pieces
   cover more of the term's characters come first, as search() ranks sections
   by how much of a term they hold; then those where the pieces occur more
   often (the least count in each run, summed). Summing counts instead took
   信访局值班费, among a province's hundred 信访局, to the shards with the
   most 信访, not to the one holding 信访局 and 值班费. */
function pieceScores(maps, gramLength) {
  const shards = new Set()
  for (const map of maps) for (const shard of map.keys()) shards.add(shard)
  const scores = new Map()
  for (const shard of shards) {
    let covered = 0, often = 0, run = 0, least = Infinity
    for (let i = 0; i <= maps.length; i++) {
      const count = i < maps.length ? maps[i].get(shard) || 0 : 0
      if (count) {
        run += 1
        least = Math.min(least, count)
      } else if (run) {
        covered += run + gramLength - 1
        often += least
        run = 0
        least = Infinity
      }
    }
    scores.set(shard, covered * PIECE_WEIGHT + often)
  }
  return scores
}

/* Shard numbers in the regions a `region:` term names, and those under them; null for all. */
function regionShards(names) {
  if (!names.length) return null
  const regions = manifest.regions
  const wanted = new Set()
  for (const name of names)
    regions.forEach(([code, title], i) => {
      if (code === name || title === name) wanted.add(i)
    })
  let grown = true
  while (grown) {
    grown = false
    regions.forEach(([, , parent], i) => {
      const above = regions.findIndex(([code]) => code === parent)
      if (!wanted.has(i) && wanted.has(above)) { wanted.add(i); grown = true }
    })
  }
  const shards = new Set()
  manifest.shards.forEach(([region], n) => { if (wanted.has(region)) shards.add(n) })
  return shards
}

function isHome(n) {
  if (homeRegion && !homeShards) homeShards = regionShards([homeRegion])
  return homeShards !== null && homeShards.has(n)
}

/* The sections of the candidate shards: the reader's region's first, best
   first, new ones up to BUDGET bytes. */
async function sectionsFor(terms, regions) {
  const allowed = regionShards(regions)
  const scores = await candidates(terms)
  const order = [...scores.keys()]
    .filter(n => !allowed || allowed.has(n))
    .sort((a, b) => isHome(b) - isHome(a) || scores.get(b) - scores.get(a) || a - b)
  const chosen = []
  let bytes = 0
  for (const n of order) {
    const fresh = !shardSections.has(n)
    if (fresh && chosen.length && bytes + manifest.shards[n][1] > BUDGET) continue
    if (fresh) bytes += manifest.shards[n][1]
    chosen.push(n)
  }
  const fresh = chosen.filter(n => !shardSections.has(n))
  const data = await load(fresh.map(documentName))
  fresh.forEach((n, i) => shardSections.set(n, makeSections(data[i], isHome(n) ? HOME_BOOST : 1)))
  return chosen.sort((a, b) => a - b).flatMap(n => shardSections.get(n))
}

/* `region:…` or `地区：…` terms, and the rest of the query. */
function splitQuery(query) {
  const regions = []
  const rest = query.replace(/(?:region|地区)[:：](\S+)/gi, (all, name) => { regions.push(name); return " " })
  return { rest, regions }
}

/* The manifest, loaded by the first query if it did not load at set-up; `again`:
   loaded anew past the browser's cache (a query string), what it named forgotten. */
async function loadManifest(again = false) {
  if (manifest && !again) return manifest
  if (again) {
    files.set("manifest", new Promise(resolve => arrived.set("manifest", resolve)))
    run("manifest", `?${Date.now()}`)
  }
  const [data] = await load(["manifest"])
  if (data.format !== FORMAT) throw new Stale(`manifest.js format ${data.format}`)
  manifest = data
  total = data.sections
  averageLength = data.averageLength || 1
  shardSections.clear()
  homeShards = null
  return manifest
}

/* What the reader reads when search cannot answer from the site as it is now. */
function failure(problem) {
  console.warn(`search: ${problem.message}`)
  const text = "搜索文件没有载入完整（网站可能刚刚更新过）。为免漏掉结果，这次不显示结果：请刷新页面后再搜索。"
  return { items: [[{ location: pageAddress, title: "搜索暂时不能使用", text: `<p>${text}</p>`, score: 1, terms: {} }]] }
}

async function answer(query) {
  const { rest, regions } = splitQuery(query)
  const terms = normaliseQuery(rest)
  if (!terms.length) return { items: [] }
  let problem
  for (const again of [false, true]) {
    try {
      await loadManifest(again)
      use(await sectionsFor(terms, regions))
      return search(terms)
    } catch (err) {
      if (!(err instanceof Stale)) throw err
      problem = err
    }
  }
  return failure(problem)
}

/* ------------------------------------------------------------------------
 * Text preparation
 * --------------------------------------------------------------------- */

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0" }

function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (all, name) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X"
        ? parseInt(name.slice(2), 16)
        : parseInt(name.slice(1), 10)
      return Number.isFinite(code) ? String.fromCodePoint(code) : all
    }
    return ENTITIES[name.toLowerCase()] ?? all
  })
}

/* Index HTML (Material keeps p, li, code … tags) → plain display text. */
function plainText(html) {
  return decodeEntities(
    html
      .replace(/<\/?(p|li|ul|ol|pre)>/gi, " ")
      .replace(/<[^>]*>/g, "")
  ).replace(/[ \t\r\n]+/g, " ").trim()
}

/* Folded form of each character met so far: NFKC on every character of a
   300-unit index took most of the first search on a slow phone. */
const foldCache = new Map()

/* One code point, one or two UTF-16 code units. */
function single(text) {
  return text.length === 1 || (text.length === 2 && text.codePointAt(0) > 0xffff)
}

/* A character (code point) folded as search_shards.searchable folds it: NFKC
   and lower case when that is one code point (𝐀 → a, U+2F800 → 丽), else
   lower case alone. The result may be longer or shorter in UTF-16 units. */
function normaliseChar(ch) {
  let result = foldCache.get(ch)
  if (result === undefined) {
    const nfkc = ch.normalize("NFKC").toLowerCase()
    result = single(nfkc) ? nfkc : ch.toLowerCase()
    foldCache.set(ch, result)
  }
  return result
}

/* JavaScript's \s, by code unit. */
function isSpace(code) {
  return code <= 0x20 || code === 0x85 || code === 0xa0 || code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 ||
    code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
}

function isHigh(code) { return code >= 0xd800 && code < 0xdc00 }

function isLow(code) { return code >= 0xdc00 && code < 0xe000 }

/* `at` moved back to the start of the character it falls inside. */
function charStart(text, at) {
  return at > 0 && at < text.length && isLow(text.charCodeAt(at)) && isHigh(text.charCodeAt(at - 1)) ? at - 1 : at
}

/* Scratch buffers for the two strings being built, grown when needed: a
   character folds into at most two code units per unit (İ → i̇, 𝐀 → a). */
let displayBuffer = new Uint16Array(1024)
let normBuffer = new Uint16Array(2048)
const utf16 = new TextDecoder("utf-16le")

/*
 * The searchable form of a display string: NFKC-folded, lower-case, white
 * space and jieba's word separators (DEL or U+200B) removed. With `detail`,
 * also `map[i]`, the display index where the character of searchable code
 * unit i starts, and `bounds[i]`, 1 where a word starts. Built code unit by
 * code unit in typed arrays: one array per character of a 300-unit index
 * kept the garbage collector busy for most of the set-up on a slow phone.
 */
function prepare(raw, detail) {
  if (displayBuffer.length < raw.length) {
    displayBuffer = new Uint16Array(raw.length * 2)
    normBuffer = new Uint16Array(raw.length * 4)
  }
  const map = detail ? new Uint32Array(raw.length * 2) : null
  const bounds = detail ? new Uint8Array(raw.length * 2 + 1) : null
  let shown = 0
  let count = 0
  let boundary = true
  let spaced = true
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i)
    if (code === 0x7f || code === 0x200b) { boundary = true; continue }
    if (isSpace(code)) {
      if (!spaced) displayBuffer[shown++] = 0x20
      spaced = true
      boundary = true
      continue
    }
    const length = isHigh(code) && isLow(raw.charCodeAt(i + 1)) ? 2 : 1
    const start = count
    if (length === 1 && code >= 0x4e00 && code <= 0x9fff) {
      normBuffer[count++] = code  /* CJK ideographs fold to themselves */
    } else if (length === 1 && code < 0x80) {
      normBuffer[count++] = code >= 0x41 && code <= 0x5a ? code + 32 : code
    } else {
      const folded = normaliseChar(raw.slice(i, i + length))
      for (let k = 0; k < folded.length; k++) normBuffer[count++] = folded.charCodeAt(k)
    }
    if (detail) {
      for (let k = start; k < count; k++) map[k] = shown
      bounds[start] = boundary ? 1 : 0
    }
    for (let k = 0; k < length; k++) displayBuffer[shown++] = raw.charCodeAt(i + k)
    i += length - 1
    boundary = false
    spaced = false
  }
  if (detail) bounds[count] = 1
  return {
    display: utf16.decode(displayBuffer.subarray(0, shown)),
    norm: utf16.decode(normBuffer.subarray(0, count)),
    map: detail ? map.slice(0, count) : null,
    bounds: detail ? bounds.slice(0, count + 1) : null
  }
}

/* A section's title or text: display and searchable strings at set-up, the
   positions (map, bounds) only for the sections a query finds. */
class Field {
  constructor(raw) {
    const { display, norm } = prepare(raw, false)
    this.raw = raw
    this.display = display
    this.norm = norm
    this.positions = null
  }

  get map() { return this.detailed().map }

  get bounds() { return this.detailed().bounds }

  detailed() {
    if (!this.positions) this.positions = prepare(this.raw, true)
    return this.positions
  }
}

function normaliseQuery(query) {
  return query
    .replace(/["“”+\-*~^:]/g, " ")
    .split(/[\s\u3000\u200b]+/)
    .map(term => [...term].map(normaliseChar).join(""))
    .filter(term => term.length > 0)
    .filter((term, i, all) => all.indexOf(term) === i)
}

/* ------------------------------------------------------------------------
 * Index
 * --------------------------------------------------------------------- */

/* A document shard's sections, prepared once (`weight`: HOME_BOOST for the reader's region). */
function makeSections(docs, weight) {
  const made = []
  for (const doc of docs) {
    const title = new Field(plainText(doc.title || ""))
    const text = new Field(plainText(doc.text || ""))
    const section = {
      location: doc.location,
      page: doc.location.split("#")[0],
      title,
      text,
      boost: (typeof doc.boost === "number" ? doc.boost : 1) * weight,
      place: doc.place || ""  /* a page's government and unit (search_index.result_places), shown only */
    }
    made.push(section)
  }
  return made
}

/* Answer the next query over these sections (a shard holds its pages whole). */
function use(list) {
  sections = list
  pages = new Map()
  for (const section of list)
    if (!section.location.includes("#")) pages.set(section.page, section)
  corpus = sections.map(s => s.title.norm + "\u0001" + s.text.norm).join("\u0001")
}

/* ------------------------------------------------------------------------
 * Matching and ranking
 * --------------------------------------------------------------------- */

function occurrences(haystack, needle) {
  const found = []
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1))
    found.push(at)
  return found
}

function aligned(field, at, length) {
  return field.bounds[at] === 1 && field.bounds[at + length] === 1
}

/* Cut a term nobody holds into pieces (whole characters, two or more) that
   occur in the site: as much of the term as can be covered, in as few pieces
   as possible, the shortest of them as long as possible (words of a compound
   rather than a long piece and a scrap). Taking the longest piece from the
   left cut 信访局值班费 into 信访局值班 and left 费 out, where 信访局 and
   值班费 both occur. */
function pieces(term) {
  const chars = [...term]
  const n = chars.length
  if (n === 1) return corpus.includes(term) ? [term] : []
  const occurs = (i, j) => corpus.includes(chars.slice(i, j).join(""))
  /* The longest piece at each position; what is left of the one before occurs too. */
  const longest = []
  for (let i = 0; i < n; i++) {
    const known = i > 0 ? longest[i - 1] - 1 : 0
    let length = known >= 2 ? known : i + 2 <= n && occurs(i, i + 2) ? 2 : 0
    while (length >= 2 && i + length < n && occurs(i, i + length + 1)) length++
    longest.push(length)
  }
  /* best[i]: the best cut of the characters from i (covered, pieces, shortest, first piece's length). */
  const better = (a, b) => a.covered - b.covered || b.count - a.count || a.shortest - b.shortest
  const best = Array.from({ length: n + 1 }, () => ({ covered: 0, count: 0, shortest: Infinity, length: 0 }))
  for (let i = n - 1; i >= 0; i--) {
    best[i] = { ...best[i + 1], length: 0 }
    for (let k = longest[i]; k >= 2; k--) {
      const rest = best[i + k]
      const cut = { covered: rest.covered + k, count: rest.count + 1, shortest: Math.min(k, rest.shortest), length: k }
      if (better(cut, best[i]) > 0) best[i] = cut
    }
  }
  const found = []
  for (let i = 0; i < n; i += best[i].length || 1)
    if (best[i].length) found.push(chars.slice(i, i + best[i].length).join(""))
  return found
}

function search(terms) {
  /* Terms that some section holds are required; others are cut into pieces. */
  const required = []
  const optional = []
  const termState = {}
  for (const term of terms) {
    if (corpus.includes(term)) {
      required.push(term)
      termState[term] = true
    } else {
      termState[term] = false
      optional.push(...pieces(term).filter(p => !required.includes(p)))
    }
  }
  const needles = [...required, ...optional]
  if (!needles.length) return { items: [] }

  /* Document frequency of each needle, for its weight. */
  const matches = sections.map(section => needles.map(needle => ({
    title: occurrences(section.title.norm, needle),
    text: occurrences(section.text.norm, needle)
  })))
  const weights = needles.map((_, n) => {
    const df = matches.filter(m => m[n].title.length || m[n].text.length).length
    return Math.log(1 + (total - df + 0.5) / (df + 0.5))
  })

  const scored = []
  sections.forEach((section, s) => {
    const found = matches[s]
    if (required.some((_, n) => !found[n].title.length && !found[n].text.length))
      return
    let score = 0
    let held = 0
    needles.forEach((needle, n) => {
      const { title, text } = found[n]
      if (!title.length && !text.length) return
      held++
      const tf = text.length + TITLE_BOOST * title.length
      const lengthNorm = 1 - B + B * section.text.norm.length / averageLength
      let termScore = weights[n] * tf * (K1 + 1) / (tf + K1 * lengthNorm)
      if (title.some(at => aligned(section.title, at, needle.length)) ||
          text.some(at => aligned(section.text, at, needle.length)))
        termScore *= 1 + ALIGNED_BONUS
      if (title.length) termScore += weights[n]
      score += termScore
    })
    if (!held) return
    /* Partial matches: the more of the pieces a section holds, the better. */
    const coverage = held / needles.length
    score *= coverage * coverage * section.boost
    const completion = needles.length === 1 ? completionOf(section, found[0], needles[0]) : ""
    scored.push({ section, score, found, completion })
  })
  scored.sort((a, b) => b.score - a.score || a.section.location.localeCompare(b.section.location))

  /* Group by page, best page first, as Material's result list expects. */
  const groups = new Map()
  const completions = new Map()
  for (const hit of scored) {
    const group = groups.get(hit.section.page) || []
    group.push(render(hit.section, hit.score, hit.found, needles, termState))
    groups.set(hit.section.page, group)
    if (!completions.has(hit.section.page)) completions.set(hit.section.page, hit.completion)
  }
  for (const [page, group] of groups) {
    if (!group.some(item => item.location === page)) {
      const article = pages.get(page)
      if (article) group.push(render(article, 0, null, needles, termState))
    }
  }
  return { items: diversify([...groups.keys()], completions).map(page => groups.get(page)) }
}

/*
 * The word a match is the leading part of: from the match to the next word
 * boundary jieba put into the index ("" when the match starts inside a word).
 */
function completionOf(section, found, needle) {
  for (const field of ["title", "text"]) {
    for (const at of found[field]) {
      const words = section[field]
      if (words.bounds[at] !== 1) continue
      let end = at + needle.length
      while (end < words.norm.length && words.bounds[end] !== 1) end++
      return words.norm.slice(at, end)
    }
  }
  return ""
}

/* Best page of each distinct completion first (up to DIVERSE), then the rest in order. */
function diversify(pageOrder, completions) {
  const seen = new Set()
  const lead = []
  for (const page of pageOrder) {
    const word = completions.get(page)
    if (lead.length < DIVERSE && word && !seen.has(word)) {
      seen.add(word)
      lead.push(page)
    }
  }
  if (lead.length < 2) return pageOrder
  return [...lead, ...pageOrder.filter(page => !lead.includes(page))]
}

/* ------------------------------------------------------------------------
 * Result rendering: escaped text, matches wrapped in <mark>
 * --------------------------------------------------------------------- */

function escapeHTML(text) {
  return text.replace(/[&<>"']/g, ch => ({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"
  })[ch])
}

/* field.display[from, to) as HTML, the matches marked; escaped a run at a time. */
function marked(field, positions, needles, from, to) {
  const inside = new Uint8Array(to - from)
  positions.forEach((starts, n) => {
    for (const at of starts) {
      const end = field.map[at + needles[n].length - 1]  /* where the last character starts */
      const first = Math.max(field.map[at], from)
      const last = Math.min(end + (isHigh(field.display.charCodeAt(end)) ? 1 : 0), to - 1)
      for (let i = first; i <= last; i++) inside[i - from] = 1
    }
  })
  let html = ""
  let run = from
  for (let i = from + 1; i <= to; i++) {
    if (i < to && inside[i - from] === inside[run - from]) continue
    const piece = escapeHTML(field.display.slice(run, i))
    html += inside[run - from] ? `<mark data-md-highlight>${piece}</mark>` : piece
    run = i
  }
  return html
}

function render(section, score, found, needles, termState) {
  const titlePositions = found ? found.map(f => f.title) : []
  const textPositions = found ? found.map(f => f.text) : []
  let title = marked(section.title, titlePositions, needles, 0, section.title.display.length)
  if (section.place && !section.location.includes("#"))  /* above the page's title: whose page it is */
    title = `<span class="budget-search-place">${escapeHTML(section.place)}</span>${title}`

  /* A snippet around the first match in the text, or its beginning. */
  const display = section.text.display
  const first = Math.min(...textPositions.flat().map(at => section.text.map[at]), Infinity)
  const centre = Number.isFinite(first) ? first : 0
  const from = charStart(display, Math.max(0, centre - SNIPPET / 3))
  const to = charStart(display, Math.min(display.length, from + SNIPPET))
  let text = marked(section.text, textPositions, needles, from, to)
  if (text) text = `<p>${from > 0 ? "…" : ""}${text}${to < display.length ? "…" : ""}</p>`

  return {
    location: section.location,
    title,
    text,
    score,
    terms: found ? termState : {}
  }
}

/* ------------------------------------------------------------------------
 * Message protocol of Material for MkDocs' search worker
 * --------------------------------------------------------------------- */

/* Queries answered one at a time; one overtaken while its shards load is dropped. */
let pending = null
let busy = false

async function answerPending() {
  busy = true
  while (pending !== null) {
    const query = pending
    pending = null
    let data
    try {
      data = await answer(query)
    } catch (err) {
      console.warn("search failed", err)
      data = { items: [] }
    }
    /* The query goes back with its answer: search-lazy.js drops an answer to a query
       Material has replaced since. */
    if (pending === null) postMessage({ type: RESULT, data: { ...data, query } })
  }
  busy = false
}

addEventListener("message", ev => {
  const message = ev.data
  switch (message.type) {
    case SETUP:
      /* search-lazy.js sends the address of search/shards/ and of the reader's page. */
      shardBase = message.data.shards
      pageAddress = message.data.page || ""
      homeRegion = message.data.region || null
      loadManifest().catch(() => null).then(() => postMessage({ type: READY }))
      break
    case QUERY:
      pending = message.data
      if (!busy) answerPending()
      break
  }
})
