"""CaseGrant now belongs to the cases app (cases 0005); its table `audit_casegrant` stays as it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_client_history_updated_at"),
        ("cases", "0005_casegrant_and_guardian_case_permissions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CaseGrant")],
            database_operations=[],
        ),
    ]
