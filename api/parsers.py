"""The API's JSON parser. Its own module: DRF imports it while loading its settings (`APIView`'s class body
reads `DEFAULT_PARSER_CLASSES`), so it must not import `rest_framework.views`, as `api.common` does — or which
module DRF loads first decides whether `manage.py check` starts at all."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser


class InputRefused(exceptions.ParseError):
    """A body refused by `SafeJSONParser`; its German message reaches the client."""


class SafeJSONParser(JSONParser):
    """JSON bodies as data, never as a 500 (issue 15 finding 10): nesting deeper than `MAX_DEPTH`, NUL
    characters and lone surrogates (which PostgreSQL cannot store) are refused with 400 before any view
    sees them."""

    MAX_DEPTH = 32

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise InputRefused(_("Der Inhalt ist zu tief verschachtelt.")) from None
        _check_json(data, self.MAX_DEPTH)
        return data


def _check_json(data, max_depth: int) -> None:
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > max_depth:
            raise InputRefused(_("Der Inhalt ist zu tief verschachtelt."))
        if isinstance(value, dict):
            stack.extend((k, depth + 1) for k in value)
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
        elif isinstance(value, str):
            if "\x00" in value:
                raise InputRefused(_("Der Inhalt enthält ein unzulässiges Nullzeichen."))
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InputRefused(_("Der Inhalt enthält ungültige Zeichen.")) from None
        elif isinstance(value, float) and not math.isfinite(value):
            raise InputRefused(_("Der Inhalt enthält eine ungültige Zahl."))
