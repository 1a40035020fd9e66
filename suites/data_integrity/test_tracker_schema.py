"""The WhatsApp tracker's Supabase migrations (runbook section 1): every migration's tables and
columns are live, and row-level security locks the tables against the public anon key."""

from golive import check, expect, required, unverified
from golive.probes import tracker

MIGRATION_ITEMS = ["whatsapp_tracker:MIG-01", "whatsapp_tracker:MIG-02", "whatsapp_tracker:MIG-03",
                   "whatsapp_tracker:MIG-04", "whatsapp_tracker:GATE-01",
                   # the schema is read through SUPABASE_URL
                   "whatsapp_tracker:ENV-01"]


def rest_headers(key):
    return {"apikey": key, "Authorization": f"Bearer {key}"}


@check("TRK-MIG-001", "Every migration's tables and columns are in the Supabase schema", critical=True,
       items=MIGRATION_ITEMS)
def test_migrations_applied(supabase, http):
    response = http.get(supabase.url("/"), headers=rest_headers(supabase.service_key))
    expect.status(response, 200, "the Supabase REST schema cannot be read with the service role",
                  fix="check SUPABASE_URL and SUPABASE_SERVICE_ROLE")
    description = expect.json_body(response, "the PostgREST OpenAPI description")
    expect.no_findings(tracker.schema_findings(description, supabase.migrations),
                       "migrations not applied", where=expect.where(response))


@check("TRK-MIG-002", "Row-level security: the anon key reads no rows and cannot insert", safety="probe",
       items=["whatsapp_tracker:MIG-05"])
def test_row_level_security(supabase, http):
    anon_key = required(supabase.anon_key, "the project's anon key (tracker.supabase.anon_key)")
    tables = required(supabase.rls_tables or None, "the tables RLS must protect (tracker.supabase.rls_tables)")
    findings, compared = [], 0
    for table in tables:
        url = supabase.url(table)
        service = http.get(url, params={"select": "*", "limit": "5"}, headers=rest_headers(supabase.service_key))
        expect.status(service, 200, f"{table} cannot be read with the service role",
                      fix=f"apply the migration that creates {table}")
        service_rows = len(expect.json_body(service, f"{table} rows"))
        anon = http.get(url, params={"select": "*", "limit": "5"}, headers=rest_headers(anon_key))
        anon_rows = len(anon.json()) if anon.status_code == 200 and isinstance(anon.json(), list) else None
        # a row built to be refused: RLS must stop it before any constraint is looked at
        write = http.post(url, json={"golive_rls_probe": True}, headers=rest_headers(anon_key), intent="probe")
        findings += tracker.rls_findings(table, service_rows=service_rows, anon_status=anon.status_code,
                                         anon_rows=anon_rows, write_status=write.status_code)
        compared += 1 if service_rows else 0
    expect.no_findings(findings, "row-level security is not enforced", where=supabase.url(""))
    if not compared:
        unverified("every RLS table is empty: no row the anon key could have been shown")
