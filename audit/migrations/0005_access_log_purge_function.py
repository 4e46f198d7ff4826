"""DP-5 / issue 15: the access log's own retention. The only way to remove access-log entries is this
SECURITY DEFINER function of the owner: it removes a prefix of the chain (entries older than `p_before`,
never anything younger than one year, whatever the caller passes) and first appends a checkpoint entry
recording the seq and hash of the last entry removed, so `verify_audit_log` sees where the chain now
starts and that it was cut on purpose, by whom and when."""

from django.db import migrations

PURGE = r"""
CREATE OR REPLACE FUNCTION fm_access_log_purge(
  p_before timestamptz, p_user_id bigint, p_username text, p_run_id bigint
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_first_young bigint;
  v_last bigint;
  v_last_hash text;
  v_deleted bigint;
  v_ignore text;
  v_previous text := current_setting('pgtrigger.ignore', true);
BEGIN
  IF p_before > now() - interval '1 year' THEN
    RAISE EXCEPTION 'access log entries younger than one year cannot be purged';
  END IF;
  PERFORM 1 FROM audit_accesslogchainhead WHERE id = 1 FOR UPDATE;
  SELECT min(seq) INTO v_first_young FROM audit_accesslog WHERE at >= p_before;
  SELECT max(seq) INTO v_last FROM audit_accesslog
   WHERE v_first_young IS NULL OR seq < v_first_young;
  IF v_last IS NULL THEN
    RETURN 0;
  END IF;
  SELECT hash INTO v_last_hash FROM audit_accesslog WHERE seq = v_last;
  SELECT count(*) INTO v_deleted FROM audit_accesslog WHERE seq <= v_last;
  INSERT INTO audit_accesslog (at, user_id, username, action, object_type, object_id, client_id, capacity, context)
  VALUES (now(), p_user_id, p_username, 'audit.checkpoint', 'audit.purgerun', p_run_id, NULL, 'datenschutz',
          jsonb_build_object('last_purged_seq', v_last, 'last_purged_hash', v_last_hash,
                             'deleted', v_deleted, 'before', p_before));
  SELECT '{' || string_agg(tgname, ',') || '}' INTO v_ignore FROM pg_trigger
   WHERE tgname LIKE 'pgtrigger_append_only_%' AND tgrelid = 'audit_accesslog'::regclass;
  PERFORM set_config('pgtrigger.ignore', coalesce(v_ignore, '{}'), true);
  DELETE FROM audit_accesslog WHERE seq <= v_last;
  PERFORM set_config('pgtrigger.ignore', coalesce(v_previous, ''), true);
  RETURN v_deleted;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_access_log_hash_chain")]

    operations = [
        migrations.RunSQL(
            PURGE, "DROP FUNCTION IF EXISTS fm_access_log_purge(timestamptz, bigint, text, bigint);"
        ),
    ]
