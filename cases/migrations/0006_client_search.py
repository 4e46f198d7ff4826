"""Client search (WORK-2): the `pg_trgm` and `unaccent` extensions, an immutable normaliser
(`fm_search_normalise`: lower case, umlauts and accents folded, ß → ss, ae/oe/ue → a/o/u so that
"Mueller" and "Müller" are the same, hyphens and apostrophes → spaces), the stored
generated column `search_name` (" nachname vorname", leading space so that word prefixes are a LIKE
pattern) with a trigram GIN index, and an index on the birth date."""

import django.contrib.postgres.indexes
from django.db import migrations, models

NORMALISER = r"""
CREATE OR REPLACE FUNCTION public.fm_search_normalise(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT replace(replace(replace(
       lower(public.unaccent('public.unaccent'::regdictionary, translate(value, '-''’', '   '))),
       'ae', 'a'), 'oe', 'o'), 'ue', 'u') $$;

CREATE OR REPLACE FUNCTION public.fm_search_name(last_name text, first_name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT ' ' || coalesce(public.fm_search_normalise(last_name), '') || ' '
              || coalesce(public.fm_search_normalise(first_name), '') $$;
"""

DROP_NORMALISER = """
DROP FUNCTION IF EXISTS public.fm_search_name(text, text);
DROP FUNCTION IF EXISTS public.fm_search_normalise(text);
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_casegrant_and_guardian_case_permissions")]

    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;"
            "CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(NORMALISER, DROP_NORMALISER),
        migrations.AddField(
            model_name="client",
            name="search_name",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    models.F("last_name"), models.F("first_name"), function="public.fm_search_name"
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.AddIndex(
            model_name="client",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_name"], opclasses=["gin_trgm_ops"], name="client_search_name_trgm"
            ),
        ),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(fields=["birth_date"], name="client_birth_date_idx"),
        ),
    ]
