#!/bin/sh
# First start of the PostgreSQL container: the owner role (not a superuser) and its database. The
# application role fm_app is created by `manage.py setup_db_roles`, run by the web service as the owner.
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE fm_owner LOGIN CREATEROLE PASSWORD '${FM_OWNER_DB_PASSWORD}';
CREATE DATABASE fallmanagement OWNER fm_owner;
\connect fallmanagement
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
