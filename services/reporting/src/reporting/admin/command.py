"""``reporting-rebuild``: rebuild the read models from the topics, from a shell or a Kubernetes Job."""

import argparse
import gc
import multiprocessing

from insikt_common.db import make_engine, make_sessions
from insikt_common.messaging.bus import Share
from insikt_common.messaging.kafka_bus import KafkaBus
from insikt_common.observability import configure_logging
from insikt_common.service import make_bus
from reporting.admin.rebuild import RebuildResult, apply_everything, apply_first, start
from reporting.config import SCHEMA, SERVICE_NAME, Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quiet-seconds", type=float, default=None, help="stop after this long without events")
    parser.add_argument("--workers", type=int, default=None, help="processes to split the partitions between")
    args = parser.parse_args()
    settings = Settings()
    configure_logging(SERVICE_NAME, settings.log_level)
    if settings.bus != "kafka":
        raise SystemExit("the in-process bus lives inside the running service: use POST /v1/admin/rebuild")
    from reporting.main import CONSUMER

    quiet_s = args.quiet_seconds or settings.rebuild_quiet_s
    workers = max(1, min(args.workers or settings.rebuild_workers, settings.kafka_topic_partitions))
    engine = make_engine(settings.database_url, SCHEMA, pool_size=1)
    sessions = make_sessions(engine)
    group = start(sessions, CONSUMER)
    bus = make_bus(settings, f"{SERVICE_NAME}-rebuild")
    assert isinstance(bus, KafkaBus)
    apply_first(sessions, bus, CONSUMER, group)
    shares = Share.split(bus.partition_sizes(CONSUMER.topics), workers)
    bus.close()
    engine.dispose()  # the workers open their own connections
    if workers == 1:
        results = [_apply_share(group, shares[0], quiet_s)]
    else:
        # Forked after the imports, before any connection or thread exists.
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.starmap(_apply_share, [(group, share, quiet_s) for share in shares])
    events = sum(r.events_read for r in results)
    applying_s = max(r.applying_s for r in results)
    rate = events / applying_s if applying_s > 0 else 0.0
    print(
        f"rebuilt from {events} events (consumer group {group}, {workers} workers) "
        f"in {applying_s:.2f} s: {rate:.0f} events/s"
    )


def _apply_share(group: str, share: Share, quiet_s: float) -> RebuildResult:
    from reporting.main import CONSUMER

    settings = Settings()
    engine = make_engine(settings.database_url, SCHEMA, pool_size=1)
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
        return apply_everything(
            make_sessions(engine),
            bus,
            CONSUMER,
            group,
            share=share,
            quiet_s=quiet_s,
            batch_size=settings.rebuild_batch_size,
            events_per_transaction=settings.rebuild_events_per_transaction,
            between_transactions=gc.collect,
        )
    finally:
        bus.close()
        engine.dispose()


if __name__ == "__main__":
    main()
