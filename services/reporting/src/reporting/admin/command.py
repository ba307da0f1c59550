"""``reporting-rebuild``: rebuild the read models from the topics, from a shell or a Kubernetes Job."""

import argparse
import gc

from insikt_common.db import make_engine, make_sessions
from insikt_common.observability import configure_logging
from insikt_common.service import make_bus
from reporting.admin.rebuild import rebuild
from reporting.config import SCHEMA, SERVICE_NAME, Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quiet-seconds", type=float, default=None, help="stop after this long without events")
    args = parser.parse_args()
    settings = Settings()
    configure_logging(SERVICE_NAME, settings.log_level)
    if settings.bus != "kafka":
        raise SystemExit("the in-process bus lives inside the running service: use POST /v1/admin/rebuild")
    from reporting.main import CONSUMER

    engine = make_engine(settings.database_url, SCHEMA, pool_size=2)
    bus = make_bus(
        settings, f"{SERVICE_NAME}-rebuild", fetch_bytes_per_partition=settings.rebuild_fetch_bytes_per_partition
    )
    # The garbage collector runs between transactions, not during them: a transaction holds thousands
    # of decoded events (none in a reference cycle), which automatic collections would walk again and
    # again (a quarter of the rebuild's CPU with Python's defaults). What the imports made lives as
    # long as the process, so no collection needs to look at it.
    gc.freeze()
    gc.disable()
    try:
        result = rebuild(
            make_sessions(engine),
            bus,
            CONSUMER,
            quiet_s=args.quiet_seconds or settings.rebuild_quiet_s,
            batch_size=settings.rebuild_batch_size,
            events_per_transaction=settings.rebuild_events_per_transaction,
            between_transactions=gc.collect,
        )
    finally:
        bus.close()
        engine.dispose()
    rate = result.events_read / result.applying_s if result.applying_s > 0 else 0.0
    print(
        f"rebuilt from {result.events_read} events (consumer group {result.consumer_group}) "
        f"in {result.applying_s:.2f} s: {rate:.0f} events/s"
    )


if __name__ == "__main__":
    main()
