"""`manage.py load_demo` options on an empty database: determinism of --seed and refused input."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from cases.models import Case, Client
from org.models import Staff
from tests.conftest import TODAY


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_same_seed_same_data():
    def snapshot(seed: int) -> tuple:
        with transaction.atomic():
            load("--clients", "40", "--seed", str(seed), "--today", TODAY.isoformat())
            data = (
                tuple(
                    Staff.objects.order_by("username").values_list("username", "first_name", "weekly_hours")
                ),
                tuple(
                    Client.objects.order_by("customer_number").values_list(
                        "last_name", "first_name", "birth_date"
                    )
                ),
                tuple(
                    Case.objects.order_by("client__customer_number", "referred_on", "state").values_list(
                        "state", "referred_on", "closed_on"
                    )
                ),
            )
            transaction.set_rollback(True)
        return data

    first = snapshot(7)
    assert snapshot(7) == first
    assert snapshot(8) != first


def test_too_few_clients_is_refused():
    with pytest.raises(CommandError, match="--clients"):
        load("--clients", "5")
    assert not Staff.objects.exists()
