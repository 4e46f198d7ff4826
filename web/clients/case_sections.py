"""Case page sections of the client area: contact data (WORK-4) and the household (HH-1).

`section(name, …)` builds one of them, also for the htmx answer of the contact form."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.access import is_case_fm, is_case_tl, is_referring_pap
from cases.household import household_log, household_members
from cases.services.contact import may_edit_contact
from web.clients.forms import ContactForm
from web.sections import CasePage, Section


def may_edit(case, user, today) -> bool:
    """Those who may edit client data and work on this case: its FM (or substitute), the TL of her team,
    the referring pAp."""
    if not may_edit_contact(user):
        return False
    return is_case_fm(case, user, today=today) or is_case_tl(case, user) or is_referring_pap(case, user)


def contact_section(*, case, user, today, form=None, saved=False) -> Section:
    editable = may_edit(case, user, today)
    if editable and form is None:
        form = ContactForm.for_client(case.client)
    return Section(
        title=_("Kontaktdaten"),
        template="clients/sections/contact.html",
        context={
            "case": case,
            "client": case.client,
            "form": form if editable else None,
            "saved": saved,
        },
        order=10,
    )


def household_section(*, case, user, today) -> Section:
    """The household, read and logged (the fragment `clients:household`)."""
    members = household_members(case=case, today=today)
    household_log(user=user, case=case, members=members, via="web", today=today)
    return Section(
        title=_("Bedarfsgemeinschaft"),
        template="clients/sections/household.html",
        context={"case": case, "members": members},
        order=11,
    )


def sections(page: CasePage) -> list[Section]:
    # The household loads as its own fragment once the page is shown: the case page keeps its query
    # budget, and the members are read (and logged) by a request of their own.
    return [
        contact_section(case=page.case, user=page.user, today=page.today),
        Section(
            title=_("Bedarfsgemeinschaft"),
            template="clients/sections/lazy.html",
            context={"fragment_id": "client-household", "label": _("Bedarfsgemeinschaft anzeigen")},
            order=11,
        ),
    ]
