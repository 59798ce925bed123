"""Page numbers from a query string, and the links of a numbered page list (`core/_pagination.html`).

One reading of `?pagina=` for every paged web page (the social map's results, "Mijn gezinsplannen"): a
malformed number shows page 1 with a notice, never an error; past the last page the page itself decides
(it shows the last one, with `past_last_notice`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

PAGE_PARAM = "pagina"
_LINKS_AROUND = 3  # page links either side of the current one


def page_number(raw: Any) -> tuple[int, str]:
    """The page asked for (1 if none) and a notice when the value was not a page number ("" otherwise)."""
    text = str(raw or "").strip()
    if not text:
        return 1, ""
    if text.isascii() and text.isdigit() and len(text) < 7 and int(text) >= 1:
        return int(text), ""
    return 1, _("Het paginanummer “%(p)s” bestaat niet; we tonen pagina 1.") % {"p": text[:20]}


def past_last_notice(asked: int, num_pages: int) -> str:
    return _("Pagina %(p)s bestaat niet; er zijn %(n)s pagina’s. We tonen de laatste.") % {"p": asked, "n": num_pages}


def page_links(number: int, num_pages: int, query_of: Callable[[int], str]) -> dict[str, Any]:
    """What `core/_pagination.html` shows: the numbered links around page `number` and the previous/next
    query strings (page 1's may be "": the bare page); `query_of(n)` is the query string of page n."""
    first = max(1, number - _LINKS_AROUND)
    last = min(num_pages, number + _LINKS_AROUND)
    return {
        "num_pages": num_pages,
        "pages": [{"number": n, "query": query_of(n), "current": n == number} for n in range(first, last + 1)],
        "has_previous": number > 1,
        "previous_query": query_of(number - 1) if number > 1 else "",
        "has_next": number < num_pages,
        "next_query": query_of(number + 1) if number < num_pages else "",
    }
