"""The TL sees her teams' open notices, obligations and clients "nicht erreichbar" — per team, never per FM
(DP-7); FMs do not get the view; the start page loads it by htmx."""

import datetime

from django.urls import reverse

from duties import services
from tests.conftest import TODAY
from tests.duties.conftest import plan

D = datetime.date


def test_mit3_mit5_tl_team_figures(client, case, fm, fm2, tl, other_case, other_fm, site):
    from cases.choices import CaseState
    from tests.factories import CaseFactory

    for day in (D(2026, 10, 5), D(2026, 10, 12), D(2026, 10, 19)):
        last = plan(case, fm, day, outcome="missed")
    services.notice_create(
        case=case,
        acting_user=fm,
        kind="nicht_erreichbar",
        appointment_id=last.pk,
        hearing_on=D(2026, 10, 26),
        today=TODAY,
    )
    services.obligation_create(
        case=case, acting_user=fm, issued_on=D(2026, 11, 2), steps="Bewerbungen", today=TODAY
    )
    second = CaseFactory(fallmanager=fm2, client__site=site, state=CaseState.ACTIVE)
    plan(second, fm2, D(2026, 10, 5), outcome="missed")
    for day in (D(2026, 10, 5), D(2026, 10, 12), D(2026, 10, 19)):
        plan(other_case, other_fm, day, outcome="missed")  # another team: not counted
    client.force_login(tl)
    home = client.get(reverse("home")).content.decode()
    assert reverse("duties:team-duties") in home
    html = client.get(reverse("duties:team-duties"), HTTP_HX_REQUEST="true").content.decode()
    row = html.split("<tbody>")[1]
    assert "<td>Team Mul 1</td><td>1</td><td>1</td><td>1</td>" in row
    assert "Team Mul 2" not in html
    assert fm.last_name not in html and case.client.last_name not in html
    client.force_login(fm)
    assert client.get(reverse("duties:team-duties")).status_code == 403
