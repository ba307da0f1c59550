-- One database, one schema per service, two login roles per service:
--
--   insikt_<service>_owner  owns the service's schema and runs its migrations (the prestart, from
--                           the one-shot migrate container or the Kubernetes init container).
--   insikt_<service>        the role the running service connects as. It owns nothing: after each
--                           migration the prestart grants it what the service needs on its own
--                           schema's tables and sequences (on outcome.audit_event only SELECT,
--                           and INSERT without the id), so the service cannot change the schema
--                           or drop the audit log's append-only triggers.
--
-- Neither role gets anything in another service's schema, so a bug or a breach in one service
-- cannot read another service's data.
--
-- The postgres image runs this once, on an empty data directory, as the superuser and connected
-- to POSTGRES_DB (see docker-compose.yml). The role passwords come from the container's
-- environment; changing them later means ALTER ROLE, as this file never runs again.

\set ON_ERROR_STOP on

\getenv survey_owner_password INSIKT_SURVEY_OWNER_DB_PASSWORD
\getenv outcome_owner_password INSIKT_OUTCOME_OWNER_DB_PASSWORD
\getenv reporting_owner_password INSIKT_REPORTING_OWNER_DB_PASSWORD
\getenv survey_password INSIKT_SURVEY_DB_PASSWORD
\getenv outcome_password INSIKT_OUTCOME_DB_PASSWORD
\getenv reporting_password INSIKT_REPORTING_DB_PASSWORD

\if :{?survey_owner_password}
\else
DO $$ BEGIN RAISE EXCEPTION 'INSIKT_SURVEY_OWNER_DB_PASSWORD is not set'; END $$;
\endif
\if :{?outcome_owner_password}
\else
DO $$ BEGIN RAISE EXCEPTION 'INSIKT_OUTCOME_OWNER_DB_PASSWORD is not set'; END $$;
\endif
\if :{?reporting_owner_password}
\else
DO $$ BEGIN RAISE EXCEPTION 'INSIKT_REPORTING_OWNER_DB_PASSWORD is not set'; END $$;
\endif
\if :{?survey_password}
\else
DO $$ BEGIN RAISE EXCEPTION 'INSIKT_SURVEY_DB_PASSWORD is not set'; END $$;
\endif
\if :{?outcome_password}
\else
DO $$ BEGIN RAISE EXCEPTION 'INSIKT_OUTCOME_DB_PASSWORD is not set'; END $$;
\endif
\if :{?reporting_password}
\else
DO $$ BEGIN RAISE EXCEPTION 'INSIKT_REPORTING_DB_PASSWORD is not set'; END $$;
\endif

-- Nobody gets anything by default: no connecting (here or to the maintenance databases), no
-- temporary tables, nothing in "public".
REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
REVOKE ALL ON DATABASE postgres, template1 FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;

-- The schema owners: they migrate, the services never connect as them.
CREATE ROLE insikt_survey_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'survey_owner_password';
CREATE ROLE insikt_outcome_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'outcome_owner_password';
CREATE ROLE insikt_reporting_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'reporting_owner_password';

-- The services' roles: they own nothing; their privileges come from the prestart's GRANTs.
CREATE ROLE insikt_survey LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'survey_password';
CREATE ROLE insikt_outcome LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'outcome_password';
CREATE ROLE insikt_reporting LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'reporting_password';

GRANT CONNECT ON DATABASE :"DBNAME" TO
    insikt_survey_owner, insikt_outcome_owner, insikt_reporting_owner,
    insikt_survey, insikt_outcome, insikt_reporting;

CREATE SCHEMA survey AUTHORIZATION insikt_survey_owner;
CREATE SCHEMA outcome AUTHORIZATION insikt_outcome_owner;
CREATE SCHEMA reporting AUTHORIZATION insikt_reporting_owner;

ALTER ROLE insikt_survey_owner SET search_path = survey;
ALTER ROLE insikt_outcome_owner SET search_path = outcome;
ALTER ROLE insikt_reporting_owner SET search_path = reporting;
ALTER ROLE insikt_survey SET search_path = survey;
ALTER ROLE insikt_outcome SET search_path = outcome;
ALTER ROLE insikt_reporting SET search_path = reporting;
