"""The case page section of the reviews app: the case's reviews with their state, and the document /
acknowledge / decide forms for the person who may act (REV-1..4)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.access import is_case_fm, is_case_tl
from cases.choices import CaseState
from catalog import periods
from org.choices import Role
from reviews import selectors, services
from web.reviews.views import review_item_context
from web.sections import CasePage, Section


def sections(page: CasePage) -> list[Section]:
    case, user, today = page.case, page.user, page.today
    if user.role not in (Role.FALLMANAGER, Role.TEAMLEITUNG, Role.BEREICHSLEITUNG) or not case.admitted_on:
        return []
    if case.state not in (CaseState.ACTIVE, CaseState.CLOSED):
        return []
    is_fm, is_tl = is_case_fm(case, user), is_case_tl(case, user)
    # One query: the rows the daily job created. Only a row still missing (the job has not run for this
    # case yet) is created here, then read again. The rows stay on `case` for the page's review status.
    reviews = selectors.case_reviews_all(case=case)
    if selectors.case_review_rows_missing(case=case, reviews=reviews, today=today):
        services.reviews_ensure_for_case(case=case, today=today)
        reviews = selectors.case_reviews_all(case=case)
    items = [
        review_item_context(
            review=r,
            user=user,
            today=today,
            can_document=is_fm and case.state == CaseState.ACTIVE,
            can_decide=is_tl,
        )
        for r in reviews
    ]
    return [
        Section(
            title=_("Fortführungsprüfungen"),
            template="reviews/case_section.html",
            context={"items": items, "months": periods.review_months()},
            order=40,
        )
    ]
