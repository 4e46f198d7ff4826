"""No Django admin for clients, households, cases, needs or grants (DP-1, issue 15 finding 5).

The admin is the administration's tool for master data; an admin manages master data, not case content.
Clients and cases are personal data read through the scoped selectors (which write the access log, DP-2)
and changed only through the services. So nothing of this app is registered — for any role, superusers
included; `tests/privacy/test_admin_master_data.py` keeps it that way for every app."""
