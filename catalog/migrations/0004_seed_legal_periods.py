"""Seed the legal-period table (CATALOG.md "Consequences by legal period", "Agreement document by legal
period"; DOMAIN MIT-1..7). Uses apps.get_model only. The percentages in the texts are those of CATALOG.md;
the app prints them in the Rechtsfolgenbelehrung and never computes an amount."""

import datetime

from django.db import migrations

SUMMONS_BASIS = "§ 59 SGB II i. V. m. § 309 SGB III"

INSTRUCTION_BUERGERGELD = (
    "Bitte kommen Sie zu diesem Termin. Wenn Sie ohne wichtigen Grund nicht kommen, kann Ihr Bürgergeld "
    "gemindert werden (§ 32 SGB II). Die Minderung beträgt 10 Prozent des für Sie maßgebenden "
    "Regelbedarfs für einen Monat. Ein wichtiger Grund ist zum Beispiel eine Krankheit, die Sie am Kommen "
    "hindert; bitte weisen Sie ihn nach. Ob Ihr Bürgergeld gemindert wird, entscheidet die "
    "Leistungsabteilung. Vorher werden Sie angehört und können Ihre Gründe nennen. Wenn Sie nicht kommen "
    "können, rufen Sie uns bitte vorher an."
)

INSTRUCTION_GRUNDSICHERUNG = (
    "Bitte kommen Sie zu diesem Termin. Wenn Sie ohne wichtigen Grund nicht kommen, gilt: Ein erstes "
    "Versäumnis hat noch keine Folgen für Ihre Leistung. Versäumen Sie erneut einen Termin ohne wichtigen "
    "Grund, kann Ihr Grundsicherungsgeld gemindert werden (§ 32 SGB II): um 30 Prozent des für Sie "
    "maßgebenden Regelbedarfs für einen Monat. Versäumen Sie drei Termine nacheinander, gelten Sie als "
    "nicht erreichbar (§ 7b SGB II): Dann erhalten Sie kein Grundsicherungsgeld, bis Sie persönlich bei "
    "uns vorsprechen. Ein wichtiger Grund ist zum Beispiel eine Krankheit, die Sie am Kommen hindert; "
    "bitte weisen Sie ihn nach. Ob Ihre Leistung gemindert wird, entscheidet die Leistungsabteilung. "
    "Vorher werden Sie angehört und können Ihre Gründe nennen. Wenn Sie nicht kommen können, rufen Sie "
    "uns bitte vorher an."
)

COOPERATION_BUERGERGELD = (
    "Wir bitten Sie, die oben genannten Schritte aus Ihrem Kooperationsplan umzusetzen. Wenn Sie das ohne "
    "wichtigen Grund nicht tun, kann Ihr Bürgergeld gemindert werden (§ 31 und § 31a SGB II). Ob Ihr "
    "Bürgergeld gemindert wird, entscheidet die Leistungsabteilung; vorher werden Sie angehört. Wenn Sie "
    "mit den Schritten nicht einverstanden sind, können Sie ein Schlichtungsverfahren beantragen "
    "(§ 15a SGB II). Es dauert höchstens vier Wochen."
)

COOPERATION_GRUNDSICHERUNG = (
    "Mit diesem Bescheid werden Sie verpflichtet, die oben genannten Schritte umzusetzen. Dabei wurde Ihr "
    "Kooperationsplan berücksichtigt (§ 15a SGB II). Wenn Sie eine dieser Pflichten ohne wichtigen Grund "
    "nicht erfüllen, ist das eine Pflichtverletzung (§ 31 SGB II). Ihr Grundsicherungsgeld kann dann "
    "gemindert werden: um 30 Prozent des für Sie maßgebenden Regelbedarfs für drei Monate. Ob Ihre "
    "Leistung gemindert wird, entscheidet die Leistungsabteilung; vorher werden Sie angehört."
)

PERIODS = [
    {
        "code": "2023-01",
        "label": "Bürgergeld, Eingliederungsvereinbarung (bis 30.06.2023)",
        "valid_from": datetime.date(2023, 1, 1),
        "valid_to": datetime.date(2023, 6, 30),
        "benefit_name": "Bürgergeld",
        "summons_legal_basis": SUMMONS_BASIS,
        "missed_summons_rule": "each",
        "missed_summons_legal_basis": "§ 32 SGB II a. F.",
        "not_reachable_after": None,
        "not_reachable_legal_basis": "",
        "vulnerable_exam_required": False,
        # Historical records only (imported cases): the app issues no new Eingliederungsvereinbarung.
        "cooperation_instrument": "",
        "cooperation_legal_basis": "",
        "conciliation_max_weeks": None,
        "duty_violation_legal_basis": "§ 31 SGB II a. F.",
        "agreement_signed": True,  # Eingliederungsvereinbarung: a contract for signature
        "first_talk_in_person": False,
        "summons_instruction": INSTRUCTION_BUERGERGELD,
        "cooperation_instruction": "",
    },
    {
        "code": "2023-07",
        "label": "Bürgergeld, Kooperationsplan (01.07.2023 – 30.06.2026)",
        "valid_from": datetime.date(2023, 7, 1),
        "valid_to": datetime.date(2026, 6, 30),
        "benefit_name": "Bürgergeld",
        "summons_legal_basis": SUMMONS_BASIS,
        "missed_summons_rule": "each",
        "missed_summons_legal_basis": "§ 32 SGB II a. F.",
        "not_reachable_after": None,
        "not_reachable_legal_basis": "",
        "vulnerable_exam_required": False,
        "cooperation_instrument": "mitwirkungsaufforderung",
        "cooperation_legal_basis": "§ 15 Abs. 5 und 6 SGB II a. F.",
        "conciliation_max_weeks": 4,
        "duty_violation_legal_basis": "§ 31 SGB II a. F.",
        "agreement_signed": False,
        "first_talk_in_person": False,
        "summons_instruction": INSTRUCTION_BUERGERGELD,
        "cooperation_instruction": COOPERATION_BUERGERGELD,
    },
    {
        "code": "2026-07",
        "label": "Grundsicherungsgeld (ab 01.07.2026)",
        "valid_from": datetime.date(2026, 7, 1),
        "valid_to": None,
        "benefit_name": "Grundsicherungsgeld",
        "summons_legal_basis": SUMMONS_BASIS,
        "missed_summons_rule": "repeated",
        "missed_summons_legal_basis": "§ 32 SGB II n. F.",
        "not_reachable_after": 3,
        "not_reachable_legal_basis": "§ 7b SGB II n. F.",
        "vulnerable_exam_required": True,
        "cooperation_instrument": "verpflichtung",
        "cooperation_legal_basis": "§ 15a SGB II n. F.",
        "conciliation_max_weeks": None,
        "duty_violation_legal_basis": "§ 31 SGB II n. F.",
        "agreement_signed": False,
        "first_talk_in_person": True,
        "summons_instruction": INSTRUCTION_GRUNDSICHERUNG,
        "cooperation_instruction": COOPERATION_GRUNDSICHERUNG,
    },
]


def seed(apps, schema_editor):
    LegalPeriod = apps.get_model("catalog", "LegalPeriod")
    for row in PERIODS:
        values = dict(row)
        LegalPeriod.objects.update_or_create(code=values.pop("code"), defaults=values)


def unseed(apps, schema_editor):
    apps.get_model("catalog", "LegalPeriod").objects.filter(code__in=[p["code"] for p in PERIODS]).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_legal_period")]
    operations = [migrations.RunPython(seed, unseed)]
