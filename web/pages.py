"""Page composition: the start page and the case page are built from sections that each area contributes,
composed explicitly here — no discovery, no untyped shared dict.

A section function takes the page object and returns `Section`s:
- start page: `web.<area>.home_sections.sections(page: StartPage) -> list[Section]`
- case page: `web.<area>.case_sections.sections(page: CasePage) -> list[Section]`
Sections are shown by their `order`; they are *built* in the order of the tuples below, so that a section can
reuse what an earlier one read — through the page object's typed attributes (`StartPage.fm_open_cases`,
`StartPage.tl_fms`, `StartPage.leadership_dashboard`), never by reading it again.

Adding a section: write the function in its area's module and add it to `START_PAGE` / `CASE_PAGE` below (if
it shares data with another section, give the page object a typed attribute for it)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template import Context
from django.template.loader import get_template

from web.cases import home_sections as cases_home
from web.clients import case_sections as clients_case
from web.duties import case_sections as duties_case
from web.duties import home_sections as duties_home
from web.followups import case_sections as followups_case
from web.plans import case_sections as plans_case
from web.plans import home_sections as plans_home
from web.records import case_sections as records_case
from web.reporting import home_sections as reporting_home
from web.reviews import case_sections as reviews_case
from web.reviews import home_sections as reviews_home
from web.sections import CasePage, Section, StartPage
from web.worklist import home_sections as worklist_home

START_PAGE: tuple[Callable[[StartPage], list[Section]], ...] = (
    worklist_home.sections,  # WORK-1 "Heute" first: the FM's and the TL's worklist
    cases_home.sections,
    reporting_home.sections,
    reviews_home.sections,
    plans_home.sections,
    duties_home.sections,
)
CASE_PAGE: tuple[Callable[[CasePage], list[Section]], ...] = (
    clients_case.sections,  # contact data, household (WORK-4, HH-1)
    records_case.sections,  # notes and documents (WORK-5)
    reviews_case.sections,
    plans_case.sections,
    followups_case.sections,
    duties_case.sections,
)


def start_page_sections(page: StartPage) -> list[Section]:
    found = [section for build in START_PAGE for section in build(page)]
    return sorted(found, key=lambda s: s.order)


def case_page_sections(page: CasePage) -> list[Section]:
    found = [section for build in CASE_PAGE for section in build(page)]
    return sorted(found, key=lambda s: s.order)


def render_section(template_name: str, context: dict, request: HttpRequest) -> str:
    """Render a section template without running the context processors again for every section
    (they build the navigation); `request`, `user` and `csrf_token` are provided explicitly."""
    template = get_template(template_name)
    base = {"request": request, "user": request.user, "csrf_token": get_token(request)}
    return template.template.render(Context({**base, **context}, autoescape=True))


def render_sections(sections: list[Section], request: HttpRequest, **page_context) -> list[dict]:
    """`[{"title", "html"}]` for the page template; each section sees its context plus the page's
    (`user`, `today`, `case`)."""
    return [
        {"title": s.title, "html": render_section(s.template, {**s.context, **page_context}, request)}
        for s in sections
    ]
