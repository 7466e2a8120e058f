"""Sitemaps (sitemaps.org 0.9): the year's, which Material's year selector reads,
and for a regional year the files a search engine is given.

A regional year's ``sitemap.xml`` lists every page of the year, the regions'
included, because the year selector looks a region's page up there; at 10,000
units that is some 78,000 addresses, over the 50,000 a sitemap may hold. Search
engines are given ``sitemap-index.xml`` instead: the year's own pages
(``sitemap-year.xml``) and each region's own ``sitemap.xml``, each well within
the limits, and each listing only addresses below its own folder, as the
protocol requires.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape as xml_escape

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000  # per sitemap, and sitemaps per index (sitemaps.org)
SITEMAP = "sitemap.xml"  # a year's (the year selector's) and a region's
YEAR_PAGES = "sitemap-year.xml"
INDEX = "sitemap-index.xml"


def urlset(addresses: Iterable[str], lastmod: str) -> bytes:
    """A sitemap of absolute ``addresses``, all dated ``lastmod`` (the data's date, not the clock)."""
    return _document("urlset", "url", addresses, lastmod)


def sitemap_index(addresses: Iterable[str], lastmod: str) -> bytes:
    """A sitemap index of the sitemaps at absolute ``addresses``."""
    return _document("sitemapindex", "sitemap", addresses, lastmod)


def _document(root: str, entry: str, addresses: Iterable[str], lastmod: str) -> bytes:
    entries = "".join(f"<{entry}><loc>{xml_escape(address)}</loc><lastmod>{lastmod}</lastmod></{entry}>\n"
                      for address in addresses)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NAMESPACE}">\n{entries}</{root}>\n'.encode()
