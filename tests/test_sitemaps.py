"""Sitemap XML (src/budget_site/sitemaps.py): what a search engine parses back."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from budget_site.sitemaps import NAMESPACE, sitemap_index, urlset


def parsed(xml: bytes, entry: str) -> list[tuple[str, str]]:
    root = ET.fromstring(xml)
    return [(item.findtext(f"{{{NAMESPACE}}}loc"), item.findtext(f"{{{NAMESPACE}}}lastmod"))
            for item in root.iter(f"{{{NAMESPACE}}}{entry}")]


def test_addresses_come_back_as_written_escaped_in_the_xml():
    addresses = ["https://example.gov.cn/2023/", "https://example.gov.cn/2023/a&b/<c>.html"]
    xml = urlset(addresses, "2023-03-01")
    assert b"a&amp;b/&lt;c&gt;.html" in xml
    assert parsed(xml, "url") == [(address, "2023-03-01") for address in addresses]


def test_an_index_lists_sitemaps():
    xml = sitemap_index(["https://example.gov.cn/2023/sitemap-year.xml"], "2023-03-01")
    assert ET.fromstring(xml).tag == f"{{{NAMESPACE}}}sitemapindex"
    assert parsed(xml, "sitemap") == [("https://example.gov.cn/2023/sitemap-year.xml", "2023-03-01")]
