-- One database, one schema per service, one login role per service. Each role owns its own schema
-- and nothing else, so a bug or a breach in one service cannot read another service's data.
--
-- The postgres image runs this once, on an empty data directory, as the superuser and connected
-- to POSTGRES_DB (see docker-compose.yml). The role passwords come from the container's
-- environment; changing them later means ALTER ROLE, as this file never runs again.

\set ON_ERROR_STOP on

\getenv survey_password INSIKT_SURVEY_DB_PASSWORD
\getenv outcome_password INSIKT_OUTCOME_DB_PASSWORD
\getenv reporting_password INSIKT_REPORTING_DB_PASSWORD

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

CREATE ROLE insikt_survey LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'survey_password';
CREATE ROLE insikt_outcome LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'outcome_password';
CREATE ROLE insikt_reporting LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'reporting_password';

GRANT CONNECT ON DATABASE :"DBNAME" TO insikt_survey, insikt_outcome, insikt_reporting;

CREATE SCHEMA survey AUTHORIZATION insikt_survey;
CREATE SCHEMA outcome AUTHORIZATION insikt_outcome;
CREATE SCHEMA reporting AUTHORIZATION insikt_reporting;

ALTER ROLE insikt_survey SET search_path = survey;
ALTER ROLE insikt_outcome SET search_path = outcome;
ALTER ROLE insikt_reporting SET search_path = reporting;
