"""Seed the agreement document titles by legal period (CATALOG.md, PLAN-3). Uses apps.get_model only."""

import datetime

from django.db import migrations

TITLES = [
    (
        None,
        datetime.date(2023, 6, 30),
        "Eingliederungsvereinbarung (§ 15 SGB II a. F.)",
        "Historischer Rechtsstand bis 30.06.2023.",
    ),
    (
        datetime.date(2023, 7, 1),
        datetime.date(2026, 6, 30),
        "Kooperationsplan (§ 15 SGB II)",
        "Der Kooperationsplan ist in einfacher Sprache gehalten und enthält keine Rechtsfolgenbelehrung. "
        "Er wird spätestens alle sechs Monate gemeinsam überprüft.",
    ),
    (
        datetime.date(2026, 7, 1),
        None,
        "Kooperationsplan (§ 15 SGB II)",
        "Der Kooperationsplan ist in einfacher Sprache gehalten und wird spätestens alle sechs Monate "
        "gemeinsam überprüft. Verbindliche Schritte werden gesondert durch Verpflichtung "
        "(§ 15a SGB II, Verwaltungsakt) festgelegt.",
    ),
]


def seed(apps, schema_editor):
    AgreementTitle = apps.get_model("plans", "AgreementTitle")
    for valid_from, valid_to, title, note in TITLES:
        AgreementTitle.objects.update_or_create(
            valid_from=valid_from, valid_to=valid_to, defaults={"title": title, "note": note}
        )


def unseed(apps, schema_editor):
    AgreementTitle = apps.get_model("plans", "AgreementTitle")
    AgreementTitle.objects.filter(title__in=[t[2] for t in TITLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_assessment_goals_agreements_services_contacts")]

    operations = [migrations.RunPython(seed, unseed)]
