"""``reporting-rebuild``: rebuild the read models from the topics, from a shell or a Kubernetes Job."""

import argparse

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
    bus = make_bus(settings, f"{SERVICE_NAME}-rebuild")
    try:
        result = rebuild(
            make_sessions(engine),
            bus,
            CONSUMER,
            quiet_s=args.quiet_seconds or settings.rebuild_quiet_s,
            batch_size=settings.consumer_batch_size,
        )
    finally:
        bus.close()
        engine.dispose()
    print(f"rebuilt from {result.events_read} events (consumer group {result.consumer_group})")


if __name__ == "__main__":
    main()
