"""Issue 16 DP-5: clients never referred are purged after the retention period too; the access log has its
own retention (FM_ACCESS_LOG_RETENTION_YEARS, default 2) with the same four-eyes purge; the purge run is
logged and the hash chain survives it (checkpoint entry)."""

import datetime

import pytest
from django.utils import timezone

from audit import chain
from audit.models import AccessLog, PurgeRun
from cases.models import Client
from cases.retention import purge_candidates
from fallmanagement.errors import NotPermitted
from jobs.retention import access_log_purge_prepare, purge_confirm
from org.choices import Role
from tests.conftest import TODAY
from tests.factories import ClientFactory, StaffFactory


@pytest.fixture
def ds2():
    return StaffFactory(username="ds.second", role=Role.DATENSCHUTZ, team=None)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_dp5_never_referred_client_is_purged_after_the_retention_period(site):
    old = ClientFactory(site=site, first_name="Nie", last_name="Zugewiesen")
    recent = ClientFactory(site=site)
    Client.objects.filter(pk=old.pk).update(updated_at=_at(datetime.date(2021, 11, 19)))
    Client.objects.filter(pk=recent.pk).update(updated_at=_at(datetime.date(2021, 11, 20)))
    ids = set(purge_candidates(today=TODAY).values_list("pk", flat=True))
    assert old.pk in ids and recent.pk not in ids


def test_dp5_access_log_has_its_own_retention_with_four_eyes(datenschutz, ds2, fm):
    def entry(day):
        return AccessLog.objects.create(
            at=_at(day),
            user=fm,
            username=fm.username,
            action="case.view",
            object_type="case",
            capacity="other",
        )

    old = [entry(datetime.date(2024, 11, 19)), entry(datetime.date(2024, 11, 19))]
    kept = entry(datetime.date(2024, 11, 20))  # exactly 2 years before TODAY: kept
    run = access_log_purge_prepare(acting_user=datenschutz, today=TODAY)
    assert run.kind == PurgeRun.Kind.ACCESS_LOG and run.cutoff_on == datetime.date(2024, 11, 20)
    with pytest.raises(NotPermitted):
        purge_confirm(run=run, acting_user=datenschutz, today=TODAY)
    assert AccessLog.objects.filter(pk__in=[e.pk for e in old]).count() == 2
    run = purge_confirm(run=run, acting_user=ds2, today=TODAY)
    assert run.anonymised_count == 2
    assert not AccessLog.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AccessLog.objects.filter(pk=kept.pk).exists()
    # The run itself is logged, and the chain still verifies from the checkpoint on.
    actions = list(AccessLog.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["case.view", "purge.prepare", "audit.checkpoint", "purge.confirm"]
    checkpoint = AccessLog.objects.get(action="audit.checkpoint")
    assert checkpoint.context["deleted"] == 2 and checkpoint.object_id == run.pk
    assert chain.verify_chain().ok


def test_dp5_access_log_purge_page(client, datenschutz, ds2):
    from django.urls import reverse

    client.force_login(datenschutz)
    page = client.get(reverse("audit:purge-runs"))
    assert "Zugriffsprotokoll" in page.content.decode()
    client.post(reverse("audit:access-log-purge-run-prepare"))
    run = PurgeRun.objects.get(kind=PurgeRun.Kind.ACCESS_LOG)
    client.force_login(ds2)
    response = client.post(reverse("audit:purge-run-confirm", args=[run.pk]), follow=True)
    assert "Einträge des Zugriffsprotokolls wurden gelöscht" in response.content.decode()
