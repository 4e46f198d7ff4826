"""Issue 16 DP-6: the diagnosis guard catches ICD codes, common diagnosis words and medication names from a
configurable list, with a clear German message, and applies to every assessment text and the outcome of
flanking help; one validator (`catalog.validators.reject_diagnosis`) for ÄD/BPS results too."""

import pytest

from catalog.validators import find_diagnosis, reject_diagnosis
from fallmanagement.errors import InvalidInput
from plans import services
from plans.models import AssessmentEntry
from tests.conftest import TODAY


@pytest.mark.parametrize(
    "text",
    [
        "Diagnose F32.1 laut Hausarzt",
        "F 33 bekannt",
        "laut ICD-10 …",
        "G40.9",
        "leidet unter Depressionen",
        "Schizophrenie seit 2019",
        "posttraumatische  Belastungsstörung",
        "nimmt Sertralin 50 mg",
        "Substitution mit Methadon",
        "Bandscheibenvorfall L4/L5",
        "ALKOHOLABHÄNGIGKEIT",
        "insulinpflichtig",
    ],
)
def test_dp6_guard_catches_codes_words_and_medication(text):
    assert find_diagnosis(text)
    with pytest.raises(InvalidInput) as exc:
        reject_diagnosis(text, "findings")
    assert "keine Diagnosen" in exc.value.message and "Gefunden" in exc.value.message
    assert exc.value.fields["findings"]


@pytest.mark.parametrize(
    "text",
    [
        "Kann nicht länger als zwei Stunden stehen.",
        "Eingeschränkte Belastbarkeit, braucht regelmäßige Pausen.",
        "Konzentration lässt nach 30 Minuten nach; kein Heben über 10 kg.",
        "Schichtarbeit nicht möglich, Humor und Zuverlässigkeit als Stärken.",
        "Germanistik-Studium abgebrochen.",
        "",
    ],
)
def test_dp6_guard_lets_work_relevant_limitations_pass(text):
    assert find_diagnosis(text) is None
    assert reject_diagnosis(text, "findings") == text


def test_dp6_guard_list_is_configurable(settings, tmp_path):
    terms = tmp_path / "terms.txt"
    terms.write_text("# eigene Liste\nTestkrankheit\n", encoding="utf-8")
    settings.FM_DIAGNOSIS_TERMS_FILE = str(terms)
    assert find_diagnosis("hat eine Testkrankheit") == "Testkrankheit"
    assert find_diagnosis("Depression") is None  # replaced, not the default list
    assert find_diagnosis("F32.1")  # ICD codes are always refused


def test_dp6_every_assessment_text_is_guarded(case, fm):
    """Before: only the health area's findings, and only ICD codes."""
    for area in (
        {"life_area": "gesundheit", "resources": "Sertralin hilft gut"},
        {"life_area": "wohnen", "findings": "Wohnungsverlust wegen Psychose"},
    ):
        with pytest.raises(InvalidInput) as exc:
            services.assessment_save(case=case, acting_user=fm, areas=[area], today=TODAY)
        assert "Gefunden" in exc.value.message
    assert not AssessmentEntry.objects.exists()


def test_dp6_flanking_help_outcome_is_guarded(case, fm):
    with pytest.raises(InvalidInput) as exc:
        services.service_referral_create(
            case=case,
            acting_user=fm,
            kind="flanking",
            title="Suchtberatung",
            outcome="Alkoholabhängigkeit bestätigt",
            today=TODAY,
        )
    assert exc.value.fields["outcome"]


def test_dp6_api_answers_400_with_the_message(api, fm, case):
    api.force_authenticate(fm)
    response = api.put(
        f"/api/v1/cases/{case.pk}/assessment/",
        {"areas": [{"life_area": "gesundheit", "findings": "Depression"}]},
        format="json",
    )
    if response.status_code == 405:
        response = api.post(
            f"/api/v1/cases/{case.pk}/assessment/",
            {"areas": [{"life_area": "gesundheit", "findings": "Depression"}]},
            format="json",
        )
    assert response.status_code == 400
    assert "keine Diagnosen" in response.json()["error"]["message"]
