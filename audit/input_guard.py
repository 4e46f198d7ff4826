"""Refuse NUL characters in query and form parameters with 400 (issue 15 finding 10).

PostgreSQL cannot store or compare a NUL in text: a `%00` in a dashboard filter, a search box, an
admin filter or a form field used to end in a 500 wherever the value reached a query. Django's form
fields refuse NUL already; this closes every other door in one place, before any view runs. JSON
bodies are checked by the API's parser (`api.parsers.SafeJSONParser`)."""

from __future__ import annotations

from django.core.exceptions import BadRequest


def _has_nul(query_dict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query_dict.lists())


class NulRefusingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET):
            raise BadRequest("NUL in request parameters")
        if (
            request.method == "POST"
            and request.content_type
            in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            )
            and _has_nul(request.POST)
        ):
            raise BadRequest("NUL in form data")
        return self.get_response(request)
