"""Seed the catalogues of CATALOG.md. Uses apps.get_model; never imports app code."""

from django.db import migrations

NEEDS = [
    ("Q_SCHULE", "Schulische Qualifikation", "qualifikation", "arbeit_qualifikation"),
    ("Q_BERUF", "Berufliche Qualifikation", "qualifikation", "arbeit_qualifikation"),
    ("Q_ERFAHRUNG", "Berufserfahrung", "qualifikation", "arbeit_qualifikation"),
    ("Q_SPRACHE", "Sprachkenntnisse", "qualifikation", "arbeit_qualifikation"),
    ("L_KOERPER", "Körperliche Gesundheit", "leistungsfaehigkeit", "gesundheit"),
    ("L_PSYCHE", "Psychische Gesundheit", "leistungsfaehigkeit", "gesundheit"),
    ("L_SUCHT", "Suchtproblematik", "leistungsfaehigkeit", "gesundheit"),
    ("L_KOGNITIV", "Kognitive Leistungsfähigkeit", "leistungsfaehigkeit", "gesundheit"),
    ("L_ARBEITSVERHALTEN", "Arbeitsverhalten", "leistungsfaehigkeit", "arbeit_qualifikation"),
    ("L_SOZIALVERHALTEN", "Sozialverhalten", "leistungsfaehigkeit", "familie_soziales"),
    ("M_EIGENINITIATIVE", "Eigeninitiative und Motivation", "motivation", "arbeit_qualifikation"),
    ("M_WEITERBILDUNG", "Bereitschaft zur Weiterbildung", "motivation", "arbeit_qualifikation"),
    ("M_FLEXIBILITAET", "Flexibilität", "motivation", "arbeit_qualifikation"),
    ("R_WOHNEN", "Wohnsituation", "rahmenbedingungen", "wohnen"),
    ("R_FINANZEN", "Finanzielle Situation / Schulden", "rahmenbedingungen", "finanzen"),
    ("R_KINDERBETREUUNG", "Kinderbetreuung", "rahmenbedingungen", "familie_soziales"),
    ("R_PFLEGE", "Pflege von Angehörigen", "rahmenbedingungen", "familie_soziales"),
    ("R_FAMILIE", "Familiäre Situation", "rahmenbedingungen", "familie_soziales"),
    ("R_MOBILITAET", "Mobilität", "rahmenbedingungen", "arbeit_qualifikation"),
    ("R_PSYCHOSOZIAL", "Psychosoziale Situation", "rahmenbedingungen", "familie_soziales"),
    ("R_RECHT", "Rechtliche Situation (z. B. Aufenthalt, Verfahren)", "rahmenbedingungen", "familie_soziales"),
    ("A_MARKT", "Arbeitsmarktbedingungen im Zielberuf", "arbeitsmarkt", "arbeit_qualifikation"),
]

EXIT_REASONS = [
    ("B01", "Integration: sozialversicherungspflichtige Beschäftigung", True, True, False),
    ("B02", "Integration: Ausbildung", True, True, False),
    ("B03", "Integration: selbständige Tätigkeit", True, True, False),
    ("B04", "Ende der Hilfebedürftigkeit aus sonstigen Gründen", False, False, False),
    ("B05", "Ziel erreicht: Rückgabe an die Arbeitsvermittlung", False, False, False),
    ("B06", "Wechsel in ein anderes Hilfesystem (SGB XII, SGB III, Rente, Reha)", False, False, False),
    ("B07", "Umzug / Zuständigkeitswechsel", False, False, False),
    ("B08", "Arbeitsbündnis beendet / fehlende Mitwirkung", False, False, False),
    ("B09", "Wegfall des Leistungsanspruchs", False, False, False),
    ("B10", "Höchstdauer erreicht (36 Monate)", False, False, False),
    ("B11", "Längere Arbeitsunfähigkeit / stationäre Behandlung", False, False, False),
    ("B12", "Haft", False, False, False),
    ("B13", "Eingliederung nicht zumutbar (§ 10 SGB II)", False, False, False),
    ("B14", "Tod", False, False, False),
    ("B99", "Sonstiges (Begründung Pflicht)", False, False, True),
]

REJECTION_REASONS = [
    ("R01", "Kein belastbares Arbeitsbündnis", False),
    ("R02", "Zugangsvoraussetzungen nicht bestätigt", False),
    ("R03", "Keine Kapazität im Fallmanagement", False),
    ("R04", "Anderes Hilfesystem vorrangig", False),
    ("R05", "Spezialisiertes Fallmanagement / Dritte zuständig", False),
    ("R99", "Sonstiges (Begründung Pflicht)", True),
]


def seed(apps, schema_editor):
    Need = apps.get_model("catalog", "Need")
    ExitReason = apps.get_model("catalog", "ExitReason")
    RejectionReason = apps.get_model("catalog", "RejectionReason")
    for sort, (code, label, key_group, life_area) in enumerate(NEEDS):
        Need.objects.update_or_create(
            code=code, defaults={"label": label, "key_group": key_group, "life_area": life_area, "sort": sort}
        )
    for sort, (code, label, integration, employment, justification) in enumerate(EXIT_REASONS):
        ExitReason.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "is_integration": integration,
                "is_employment": employment,
                "requires_justification": justification,
                "sort": sort,
            },
        )
    for sort, (code, label, justification) in enumerate(REJECTION_REASONS):
        RejectionReason.objects.update_or_create(
            code=code, defaults={"label": label, "requires_justification": justification, "sort": sort}
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
