"""Where a page of a list stands, and its links: one rule for the stuck and overdue lists."""

from __future__ import annotations

from silkpost.web.dashboard import ListPage


def test_a_page_past_the_end_shows_nothing_of_nothing() -> None:
    page = ListPage()
    page.place(9, 0, 413, "en", lambda **kw: str(kw), "stuck_page")
    assert page.showing == "Showing 0–0 of 413" and page.next_query is None
    assert page.previous_query is None and page.first_query == "{'stuck_page': None}"
    page.place(2, 50, 413, "ru", lambda **kw: str(kw), "stuck_page")
    assert page.showing == "Показаны 51–100 из 413"
    assert page.previous_query == "{'stuck_page': None}" and page.first_query is None
