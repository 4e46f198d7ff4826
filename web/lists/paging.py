"""Paging helpers of the working lists (WORK-3): the page number from the URL, the query string without
some parameters (for the pager and the sort links)."""

from __future__ import annotations

PAGE_SIZE = 25


def page_number(raw) -> int:
    """A bad or missing page number is page 1 (Paginator.get_page clamps a too high one)."""
    try:
        return max(1, int(raw))
    except (TypeError, ValueError):
        return 1


def query_without(request, *names) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
