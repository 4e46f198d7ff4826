"""The pAp's search within her site by one GIN index over site and name (btree_gin for the site column)."""

import django.contrib.postgres.indexes
from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_merge_20261203_0914"),
        ("org", "0004_merge_20261203_0914"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public;", migrations.RunSQL.noop
        ),
        migrations.AddIndex(
            model_name="client",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["site", "search_name"],
                name="client_site_search_trgm",
                opclasses=["int8_ops", "gin_trgm_ops"],
            ),
        ),
    ]
