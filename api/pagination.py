"""The API's page size and its German refusals. Its own module for the reason given in `api.parsers`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator):
        number = super().get_page_number(request, paginator)
        if isinstance(number, str) and number not in self.last_page_strings and not number.isdigit():
            raise exceptions.ValidationError({"page": [_("Ungültige Seitenzahl.")]})
        return number

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            value = int(raw)
        except ValueError:
            raise exceptions.ValidationError({"page_size": [_("Bitte eine ganze Zahl angeben.")]}) from None
        if not 1 <= value <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [_("Erlaubt sind 1 bis %(max)s.") % {"max": self.max_page_size}]}
            )
        return value
