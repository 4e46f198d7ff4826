"""DP-5 / issue 15: the one sanctioned way to remove change history — shred the history of clients that are
already anonymised (and blank their lifecycle events' payload). SECURITY DEFINER: it runs as the owner, so
the application's role needs no UPDATE/DELETE on the logs (audit/dbroles.py); it refuses clients that are
not anonymised, so it cannot be used to hide changes to living records."""

from django.db import migrations

SHRED = r"""
CREATE OR REPLACE FUNCTION fm_history_shred(p_client_ids bigint[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_clients bigint[];
  v_cases bigint[];
  v_ignore text;
  v_previous text := current_setting('pgtrigger.ignore', true);
BEGIN
  SELECT array_agg(id) INTO v_clients FROM cases_client
   WHERE id = ANY(p_client_ids) AND anonymised_on IS NOT NULL;
  IF v_clients IS NULL THEN
    RETURN 0;
  END IF;
  SELECT coalesce(array_agg(id), '{}') INTO v_cases FROM cases_case WHERE client_id = ANY(v_clients);
  SELECT '{' || string_agg(tgname, ',') || '}' INTO v_ignore FROM pg_trigger
   WHERE tgname LIKE 'pgtrigger_append_only_%'
     AND tgrelid IN ('audit_clienthistory'::regclass, 'audit_clientneedhistory'::regclass,
                     'audit_casehistory'::regclass, 'audit_caseeventhistory'::regclass);
  PERFORM set_config('pgtrigger.ignore', coalesce(v_ignore, '{}'), true);
  UPDATE cases_caseevent SET payload = '{}'::jsonb WHERE case_id = ANY(v_cases);
  DELETE FROM audit_clienthistory WHERE pgh_obj_id = ANY(v_clients);
  DELETE FROM audit_clientneedhistory WHERE client_id = ANY(v_clients);
  DELETE FROM audit_casehistory WHERE pgh_obj_id = ANY(v_cases);
  DELETE FROM audit_caseeventhistory WHERE case_id = ANY(v_cases);
  PERFORM set_config('pgtrigger.ignore', coalesce(v_previous, ''), true);
  RETURN cardinality(v_clients);
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_casegrant_and_guardian_case_permissions"),
        ("audit", "0004_access_log_hash_chain"),
    ]

    operations = [
        migrations.RunSQL(SHRED, "DROP FUNCTION IF EXISTS fm_history_shred(bigint[]);"),
    ]
