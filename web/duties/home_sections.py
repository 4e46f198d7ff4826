"""Start-page section of the duties app for the Teamleitung: her teams' open notices, obligations and
clients "nicht erreichbar" — team level only (DP-7). Loaded by htmx after the start page (its own
request), so the start page keeps its query budget."""

from __future__ import annotations

from django.utils.translation import gettext as _

from org.choices import Role
from web.sections import Section, StartPage


def sections(page: StartPage) -> list[Section]:
    if page.user.role != Role.TEAMLEITUNG:
        return []
    return [
        Section(
            title=_("Mitwirkung und Meldungen in Ihren Teams"), template="duties/home_tl_lazy.html", order=45
        )
    ]
