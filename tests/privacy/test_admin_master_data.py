"""DP-1 (issue 15 finding 5): the Django admin shows master data only — no client, case, need, plan,
review or reminder content, for any role, superusers included."""

import pytest
from django.apps import apps
from django.contrib import admin

from cases.models import Case, Client, Household

PERSONAL_ROOTS = {Client, Case, Household}


def holds_client_data(model, depth: int = 3) -> bool:
    """A model is client data if it is a client, household or case, or points at one (through up to
    `depth` foreign keys: a goal's status change → goal → case)."""
    if model in PERSONAL_ROOTS:
        return True
    if depth == 0:
        return False
    for field in model._meta.concrete_fields:
        target = getattr(field, "related_model", None)
        related = field.is_relation and target is not None and target is not model
        if related and holds_client_data(target, depth - 1):
            return True
    return False


def test_dp1_admin_registers_no_model_with_client_data():
    offending = sorted(m._meta.label for m in admin.site._registry if holds_client_data(m))
    assert offending == []


def test_dp1_client_data_models_exist_so_the_check_is_not_vacuous():
    labels = {m._meta.label for m in apps.get_models() if holds_client_data(m)}
    assert {"cases.Client", "cases.Case", "cases.ClientNeed", "plans.Goal", "reviews.Review"} <= labels


@pytest.mark.parametrize(
    "path",
    [
        "/admin/cases/client/",
        "/admin/cases/case/",
        "/admin/cases/household/",
        "/admin/cases/casegrant/",
        "/admin/reviews/review/",
        "/admin/reminders/reminder/",
        "/admin/reminders/reminderdigest/",
    ],
)
def test_dp1_superuser_cannot_open_client_data_in_admin(client, admin_user, case_of_fm, path):
    client.force_login(admin_user)
    assert client.get(path).status_code == 404
    assert client.get(f"{path}{case_of_fm.pk}/change/").status_code in (302, 404)


def test_dp1_admin_index_lists_master_data(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/").content.decode()
    assert "/admin/org/staff/" in page
    assert "/admin/cases/" not in page
