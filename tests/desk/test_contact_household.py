"""WORK-4 contact data (service, case page, API, Kooperationsplan PDF) and HH-1 the household."""

import datetime
import io

import pytest
from django.urls import reverse

from audit.models import AccessLog
from cases.choices import CaseState, HouseholdRole
from cases.household import household_members
from cases.models import Client
from cases.services.contact import client_contact_update
from fallmanagement.errors import InvalidInput, NotPermitted
from tests.conftest import TODAY
from tests.desk.conftest import case_for
from tests.factories import ClientFactory, HouseholdFactory, StaffFactory

pytestmark = pytest.mark.django_db

CONTACT = {
    "street": "Lindenallee 12",
    "postcode": "30159",
    "city": "Hannover",
    "phone": "+49 511 123456",
    "email": "maria.etzold@example.org",
    "preferred_language": "Türkisch",
    "interpreter_needed": True,
}


def test_work4_contact_data_stored_with_validation(fm, etzold_case):
    client = client_contact_update(client=etzold_case.client, acting_user=fm, **CONTACT)
    client.refresh_from_db()
    assert client.address_lines == ["Lindenallee 12", "30159 Hannover"]
    assert client.phone == "+49 511 123456" and client.interpreter_needed is True


@pytest.mark.parametrize(
    "field,value",
    [
        ("postcode", "3015"),
        ("postcode", "301599"),
        ("postcode", "ABCDE"),
        ("phone", "call me"),
        ("phone", "12"),
        ("email", "not-an-email"),
        ("street", "x" * 500),
        ("interpreter_needed", "ja"),
        ("household_role", "boss"),
    ],
)
def test_work4_invalid_contact_data_refused_nothing_stored(fm, etzold_case, field, value):
    with pytest.raises(InvalidInput) as err:
        client_contact_update(client=etzold_case.client, acting_user=fm, **{**CONTACT, field: value})
    assert field in err.value.fields
    assert Client.objects.get(pk=etzold_case.client_id).city == ""


def test_work4_contact_data_not_for_controlling(controlling, etzold_case):
    with pytest.raises(NotPermitted):
        client_contact_update(client=etzold_case.client, acting_user=controlling, city="Hannover")


def test_work4_case_page_shows_and_edits_contact_data(client, fm, etzold_case):
    client.force_login(fm)
    url = reverse("clients:contact", args=[etzold_case.pk])
    data = {f"contact-{k}": ("on" if v is True else v) for k, v in CONTACT.items()}
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Die Kontaktdaten wurden gespeichert." in response.content.decode()
    html = client.get(reverse("case-detail", args=[etzold_case.pk])).content.decode()
    assert "Lindenallee 12" in html and "30159 Hannover" in html and "Dolmetschung erforderlich" in html


def test_work4_case_page_refuses_bad_postcode_in_german(client, fm, etzold_case):
    client.force_login(fm)
    url = reverse("clients:contact", args=[etzold_case.pk])
    response = client.post(url, {"contact-postcode": "123", "contact-city": "Hannover"})
    assert response.status_code == 400
    assert "fünf Ziffern" in response.content.decode()
    assert Client.objects.get(pk=etzold_case.client_id).city == ""


def test_work4_contact_edit_outside_scope_is_404(client, other_fm, etzold_case):
    client.force_login(other_fm)
    response = client.post(reverse("clients:contact", args=[etzold_case.pk]), {"contact-city": "X"})
    assert response.status_code == 404


def test_work4_bl_sees_but_cannot_edit_contact_data(client, bl, etzold_case):
    client.force_login(bl)
    html = client.get(reverse("case-detail", args=[etzold_case.pk])).content.decode()
    assert "Kontaktdaten" in html and "Kontaktdaten speichern" not in html
    response = client.post(reverse("clients:contact", args=[etzold_case.pk]), {"contact-city": "X"})
    assert response.status_code == 403


def test_work4_api_client_has_contact_fields_and_patch_validates(api_as, fm, etzold_case):
    api = api_as(fm)
    url = f"/api/v1/clients/{etzold_case.client_id}/"
    response = api.patch(url, CONTACT, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["postcode"] == "30159" and body["email"] == CONTACT["email"] and body["interpreter_needed"]
    response = api.patch(url, {"postcode": "1234", "first_name": "Marie"}, format="json")
    assert response.status_code == 400
    assert "postcode" in response.json()["error"]["fields"]
    assert Client.objects.get(pk=etzold_case.client_id).first_name == "Maria"  # nothing stored half


def test_work4_kooperationsplan_carries_address_and_letterhead(client, fm, etzold_case, site):
    from pypdf import PdfReader

    from plans import services as plan_services

    site.name, site.street, site.postcode, site.city, site.phone = (
        "Standort Lindenhof", "Am Jobcenter 1", "30161", "Hannover", "0511 9999-0"
    )  # fmt: skip
    site.save()
    fm.email = "anna.berger@jobcenter.example"
    fm.save()
    client_contact_update(client=etzold_case.client, acting_user=fm, **CONTACT)
    agreement = plan_services.agreement_conclude(
        case=etzold_case,
        acting_user=fm,
        concluded_on=TODAY,
        client_commitments="Ich melde mich wöchentlich.",
        jobcenter_commitments="Wir fördern den Führerschein.",
        today=TODAY,
    )
    client.force_login(fm)
    response = client.get(f"/vereinbarungen/{agreement.pk}/pdf/")
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Standort Lindenhof" in text and "Standort Standort" not in text
    assert "Am Jobcenter 1, 30161 Hannover" in text
    assert "Lindenallee 12" in text and "30159 Hannover" in text
    assert "anna.berger@jobcenter.example" in text
    assert "____" not in text.split("Unterschrift")[0]


# --- HH-1 --------------------------------------------------------------------------------------------


@pytest.fixture
def household(fm, other_fm, site, other_team):
    """The Etzold household: Maria (this case), her partner in FM with another team, a child, a
    grandmother whose FM episode is closed."""
    bg = HouseholdFactory(number="95501BG0000777")
    main = case_for(fm, site, first_name="Maria", last_name="Etzold", household=bg)
    partner = case_for(
        other_fm, site, first_name="Kemal", last_name="Etzold", household=bg,
        birth_date=datetime.date(1978, 1, 2), household_role=HouseholdRole.PARTNER,
    )  # fmt: skip
    partner.reasons = "GEHEIM: Schulden bei der Spielbank"
    partner.save()
    ClientFactory(
        site=site, first_name="Lena", last_name="Etzold", household=bg,
        birth_date=datetime.date(2010, 12, 1), household_role=HouseholdRole.CHILD,
    )  # fmt: skip
    case_for(
        fm, site, state=CaseState.CLOSED, first_name="Helga", last_name="Etzold", household=bg,
        birth_date=datetime.date(1950, 6, 30), household_role=HouseholdRole.OTHER,
    )  # fmt: skip
    return main


def test_hh1_household_members_with_age_role_and_team(household, django_assert_num_queries):
    with django_assert_num_queries(1):
        members = household_members(case=household, today=TODAY)
    rows = [(m.client.first_name, m.age, m.role_label, m.in_case_management, m.team) for m in members]
    assert rows == [
        ("Helga", 76, "weitere Person", False, None),
        ("Kemal", 48, "Partner*in", True, "Team Mul 2"),
        ("Lena", 15, "Kind", False, None),
    ]


def test_hh1_household_fragment_shows_members_not_their_case_and_logs(
    client, fm, household, django_assert_max_num_queries
):
    client.force_login(fm)
    url = reverse("clients:household", args=[household.pk])
    with django_assert_max_num_queries(8):
        response = client.get(url, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kemal" in html and "Team Mul 2" in html and "Lena" in html
    assert "Spielbank" not in html and "/faelle/" not in html.replace(url, "")
    logged = set(
        AccessLog.objects.filter(action="household.view", user=fm).values_list("client_id", flat=True)
    )
    assert logged == set(
        Client.objects.filter(household__number="95501BG0000777")
        .exclude(pk=household.client_id)
        .values_list("pk", flat=True)
    )


def test_hh1_household_outside_scope_is_404(client, api_as, household):
    stranger = StaffFactory(username="fm.fremd", role="fallmanager")
    client.force_login(stranger)
    assert client.get(reverse("clients:household", args=[household.pk])).status_code == 404
    assert api_as(stranger).get(f"/api/v1/cases/{household.pk}/household/").status_code == 404


def test_hh1_api_household(api_as, fm, household):
    response = api_as(fm).get(f"/api/v1/cases/{household.pk}/household/")
    assert response.status_code == 200
    rows = response.json()
    assert [r["first_name"] for r in rows] == ["Helga", "Kemal", "Lena"]
    kemal = rows[1]
    assert kemal["in_case_management"] is True and kemal["team"] == "Team Mul 2"
    assert kemal["birth_date"] == "1978-01-02" and kemal["last_name"] == "Etzold"
    assert set(kemal) >= {"first_name", "last_name", "birth_date", "in_case_management", "team"}
    assert "reasons" not in kemal
    assert AccessLog.objects.filter(action="household.view", user=fm, context__via="api").count() == 3


def test_hh1_case_page_loads_household_as_fragment(client, fm, household):
    client.force_login(fm)
    html = client.get(reverse("case-detail", args=[household.pk])).content.decode()
    assert reverse("clients:household", args=[household.pk]) in html
