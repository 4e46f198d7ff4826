"""The navigation by role: each area's `web/<area>/nav.py` offers `items(user)`; this list composes them
explicitly (a new nav item goes into its area's `items`; a new area adds its line here)."""

from __future__ import annotations

from web.audit import nav as audit_nav
from web.cases import nav as cases_nav
from web.duties import nav as duties_nav
from web.intake import nav as intake_nav
from web.org import nav as org_nav
from web.oversight import nav as oversight_nav
from web.plans import nav as plans_nav
from web.reporting import nav as reporting_nav
from web.reviews import nav as reviews_nav

AREAS = (
    cases_nav, intake_nav, reviews_nav, plans_nav, duties_nav, reporting_nav, audit_nav, org_nav, oversight_nav,
)  # fmt: skip


def items(user) -> list[dict]:
    """`{"label", "url", "order"}` for every entry the user's role sees, in `order`."""
    found = [item for area in AREAS for item in area.items(user)]
    found.sort(key=lambda item: item.get("order", 100))
    return found
