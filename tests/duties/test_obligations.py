"""MIT-5: until 2026-06-30 an Aufforderung zur Mitwirkung with a Schlichtungsverfahren on request (at most
4 weeks, no notice while it runs); from 2026-07-01 a Verpflichtung by Verwaltungsakt that takes the
Kooperationsplan into account (not dated before it). Draft PDF text per period; notice of a possible
Pflichtverletzung after the hearing."""

import datetime

import pytest

from duties import services
from duties.models import Notice, Obligation
from fallmanagement.errors import Conflict, InvalidInput
from plans.models import Agreement
from tests.conftest import TODAY
from tests.duties.test_invitation_pdf import pdf_text

D = datetime.date
STEPS = "Bis zum 31.07. drei Bewerbungen schreiben und die Nachweise vorlegen."


@pytest.fixture
def plan_of(fm):
    def make(case, day):
        return Agreement.objects.create(
            case=case,
            title="Kooperationsplan (§ 15 SGB II)",
            concluded_on=day,
            review_due_on=day + datetime.timedelta(days=180),
            recorded_on=day,
            client_commitments="Bewerbungen",
            jobcenter_commitments="Beratung",
            created_by=fm,
        )

    return make


def create(case, fm, issued_on, **kwargs):
    return services.obligation_create(
        case=case, acting_user=fm, issued_on=issued_on, steps=STEPS, today=TODAY, **kwargs
    )


def test_mit5_instrument_by_the_issue_date_on_both_sides_of_2026_07_01(case, fm, plan_of):
    plan_of(case, D(2026, 5, 4))
    old = create(case, fm, D(2026, 6, 30))
    new = create(case, fm, D(2026, 7, 1))
    assert (old.kind, old.legal_basis) == ("mitwirkungsaufforderung", "§ 15 Abs. 5 und 6 SGB II a. F.")
    assert (new.kind, new.legal_basis) == ("verpflichtung", "§ 15a SGB II n. F.")
    assert new.agreement.concluded_on == D(2026, 5, 4)
    old_text = pdf_text(services.obligation_document(obligation=old, acting_user=fm))
    new_text = pdf_text(services.obligation_document(obligation=new, acting_user=fm))
    assert "Aufforderung zur Mitwirkung" in old_text and "Schlichtungsverfahren" in old_text
    assert "Bürgergeld" in old_text and "Grundsicherungsgeld" not in old_text
    assert (
        "Verwaltungsakt nach § 15a SGB II n. F." in new_text and "Kooperationsplan vom 04.05.2026" in new_text
    )
    assert "Schlichtungsverfahren" not in new_text and "Grundsicherungsgeld" in new_text
    assert "30 Prozent" in new_text and "drei Monate" in new_text
    for text in (old_text, new_text):
        assert STEPS in text and "BGBl" not in text


def test_mit5_verpflichtung_dated_before_the_plan_it_cites_is_a_400(case, fm, plan_of):
    plan_of(case, D(2026, 8, 10))
    with pytest.raises(InvalidInput) as err:
        create(case, fm, D(2026, 8, 3))
    assert err.value.code == "obligation_before_plan"
    assert not Obligation.objects.exists()


def test_mit5_no_instrument_before_2023_07_01(case, fm):
    with pytest.raises(InvalidInput) as err:
        services.obligation_create(
            case=case, acting_user=fm, issued_on=D(2023, 6, 30), steps=STEPS, today=D(2023, 7, 5)
        )
    assert err.value.code == "no_cooperation_instrument"


def test_mit5_conciliation_only_until_2026_06_30_and_at_most_four_weeks(case, fm):
    old = create(case, fm, D(2026, 6, 1))
    with pytest.raises(InvalidInput):
        services.conciliation_record(
            obligation=old, acting_user=fm, requested_on=D(2026, 6, 3), ended_on=D(2026, 7, 2), today=TODAY
        )
    done = services.conciliation_record(
        obligation=old, acting_user=fm, requested_on=D(2026, 6, 3), today=TODAY
    )
    assert services.conciliation_ends_on(done) == D(2026, 7, 1)
    new = create(case, fm, D(2026, 7, 1))
    with pytest.raises(Conflict) as err:
        services.conciliation_record(obligation=new, acting_user=fm, requested_on=D(2026, 7, 2), today=TODAY)
    assert err.value.code == "no_conciliation"


def test_mit5_no_notice_while_the_conciliation_runs_then_notice_after_hearing(case, fm):
    old = create(case, fm, D(2026, 6, 1))
    services.conciliation_record(obligation=old, acting_user=fm, requested_on=D(2026, 6, 3), today=TODAY)

    def notify(sent_on, hearing_on):
        return services.notice_create(
            case=case,
            acting_user=fm,
            kind="pflichtverletzung",
            obligation_id=old.pk,
            act_on=D(2026, 6, 2),
            hearing_on=hearing_on,
            sent_on=sent_on,
            today=TODAY,
        )

    with pytest.raises(Conflict) as err:
        notify(D(2026, 6, 20), D(2026, 6, 10))
    assert err.value.code == "notice_not_possible"
    with pytest.raises(InvalidInput):
        notify(D(2026, 7, 2), D(2026, 7, 3))  # hearing after the notice
    n = notify(D(2026, 7, 2), D(2026, 6, 25))
    assert (n.kind, n.legal_basis, n.obligation_id) == ("pflichtverletzung", "§ 31 SGB II a. F.", old.pk)
    assert Notice.objects.count() == 1


def test_mit5_api_obligations_and_pdf(api, case, fm, other_fm, plan_of):
    plan_of(case, D(2026, 9, 1))
    api.force_authenticate(fm)
    url = f"/api/v1/cases/{case.pk}/obligations/"
    r = api.post(url, {"issued_on": "2026-08-15", "steps": STEPS}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "obligation_before_plan"
    r = api.post(url, {"issued_on": "2026-11-02", "steps": STEPS, "hearing_on": "2026-10-28"}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["kind"], body["legal_basis"]) == ("verpflichtung", "§ 15a SGB II n. F.")
    pdf = api.get(body["pdf"])
    assert pdf.status_code == 200 and "Verpflichtung" in pdf_text(pdf.content)
    r = api.post(
        f"/api/v1/cases/{case.pk}/notices/",
        {
            "kind": "pflichtverletzung",
            "obligation": body["id"],
            "act_on": "2026-11-10",
            "hearing_on": "2026-11-12",
        },
        format="json",
    )
    assert r.status_code == 201 and r.json()["legal_basis"] == "§ 31 SGB II n. F."
    api.force_authenticate(other_fm)
    assert api.get(url).status_code == 404
    assert api.get(body["pdf"]).status_code == 404
