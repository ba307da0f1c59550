"""``outcome-api-retention``: erase every participant whose last entry is older than the retention period.

Meant to run daily (cron or a Kubernetes CronJob; see docs/operations.md) with the service's own
settings. Each batch is one transaction; the erasure events wait in the outbox for the service's
relay to publish them.
"""

import argparse
import logging

from insikt_common import clock
from insikt_common.db import make_engine, make_sessions
from insikt_common.observability import configure_logging
from outcome_api.config import SCHEMA, SERVICE_NAME, Settings
from outcome_api.erasure import service

log = logging.getLogger("outcome-api.retention")


def main(argv: list[str] | None = None) -> int:
    settings = Settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--years", type=int, default=settings.retention_years, help="retention period in years")
    parser.add_argument("--dry-run", action="store_true", help="only count who would be erased")
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args(argv)
    if args.years < 1:
        parser.error("--years must be at least 1")
    configure_logging(SERVICE_NAME, settings.log_level)

    engine = make_engine(settings.database_url, SCHEMA, pool_size=1)
    sessions = make_sessions(engine)
    total = 0
    try:
        while True:
            with sessions.begin() as session:
                if args.dry_run:
                    found = service.expired_ids(session, years=args.years, today=clock.today(), limit=1_000_000)
                    log.info("retention: %d participants are past %d years (dry run)", len(found), args.years)
                    return 0
                erased = service.purge_expired(session, years=args.years, limit=args.batch_size)
            total += len(erased)
            if len(erased) < args.batch_size:
                break
    finally:
        engine.dispose()
    log.info("retention: erased %d participants past %d years", total, args.years)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
