"""Reading articles: the header format, HTML pages, directories."""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.bot.errors import BadInput
from copydesk.bot.reading import reader

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_header_keys_and_metadata():
    art = reader.read_text(
        "url: https://x.example/a\noutlet: X Daily\ntitle: A title\npublished: 3 June 2026\n"
        "author: Jo Bloggs\ndesk: metro\n---\nThe council approved the budget on Monday after a long debate "
        "about the new bus lanes in the city centre.\n",
        "a.txt",
    )
    assert (art.url, art.outlet, art.title, art.author) == ("https://x.example/a", "X Daily", "A title", "Jo Bloggs")
    assert art.published == "2026-06-03"
    assert art.meta == {"desk": "metro"}
    assert art.text.startswith("The council approved")


def test_no_header_means_whole_file_is_text():
    body = "Note: this is not a header line because no separator follows.\n\nThe council met on Monday to discuss the budget of the city and its buses."
    art = reader.read_text(body, "b.txt")
    assert art.text.startswith("Note: this is not a header")
    assert art.meta == {} and art.title is None


def test_outlet_from_url_host():
    art = reader.read_text(
        "url: https://www.northwire.example/x\n---\nThe council approved the budget on Monday "
        "after a long debate about the new bus lanes.",
        "c.txt",
    )
    assert art.outlet == "northwire.example"


def test_html_page_extracted_with_metadata():
    art = reader.read(reader.Source("page", "file", str(FIXTURES / "html" / "orsk_herald_dam.html")))
    assert art.title == "Dam inspectors find cracks in Orsk reservoir wall"
    assert art.outlet == "Orsk Herald"
    assert art.published and art.published.startswith("2026-06-03")
    assert "three cracks in its eastern wall" in art.text
    assert "damp patches" in art.text
    for junk in (
        "cookies",
        "Share on Facebook",
        "Related stories",
        "Leave a comment",
        "All rights reserved",
        "Spring floods cost farmers",
    ):
        assert junk not in art.text


def test_directory_in_name_order_skips_readme(tmp_path):
    for name in ("b.txt", "a.txt", "README.md", ".hidden.txt", "c.html"):
        (tmp_path / name).write_text("x")
    names = [Path(s.value).name for s in reader.expand([str(tmp_path)])]
    assert names == ["a.txt", "b.txt", "c.html"]


def test_url_without_fetcher_is_refused():
    with pytest.raises(BadInput):
        reader.read(reader.Source("u", "url", "https://example.org/x"))
