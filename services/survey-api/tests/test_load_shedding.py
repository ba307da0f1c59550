"""The intake limiter: a few requests run, a few wait their turn, the rest are refused at once."""

import asyncio

import pytest

from survey_api.errors import Overloaded
from survey_api.load_shedding import IntakeLimiter


def test_the_limiter_runs_some_queues_a_few_and_refuses_the_rest_at_once() -> None:
    async def scenario() -> list[str]:
        limiter = IntakeLimiter(concurrency=1, queue=1, wait_s=60)
        events: list[str] = []
        running = limiter.slot()
        await running.__aenter__()

        async def queued() -> None:
            async with limiter.slot():
                events.append("queued ran")

        waiting = asyncio.create_task(queued())
        await asyncio.sleep(0)
        assert limiter.waiting == 1
        with pytest.raises(Overloaded) as refused:
            async with limiter.slot():
                events.append("must not run")
        events.append(f"refused, retry after {refused.value.retry_after_s} s")
        await running.__aexit__(None, None, None)
        await waiting
        async with limiter.slot():
            events.append("free again")
        return events

    assert asyncio.run(scenario()) == ["refused, retry after 1 s", "queued ran", "free again"]


def test_a_request_that_waits_too_long_for_a_turn_is_refused_and_the_turn_passes_on() -> None:
    async def scenario() -> list[str]:
        limiter = IntakeLimiter(concurrency=1, queue=5, wait_s=0.01)
        events: list[str] = []
        async with limiter.slot():
            with pytest.raises(Overloaded):
                async with limiter.slot():
                    events.append("must not run")
            events.append("refused after waiting")
            assert limiter.waiting == 0
        async with limiter.slot():
            events.append("free again")
        return events

    assert asyncio.run(scenario()) == ["refused after waiting", "free again"]


def test_an_abandoned_request_gives_up_its_place_in_the_queue() -> None:
    async def scenario() -> bool:
        limiter = IntakeLimiter(concurrency=1, queue=1, wait_s=60)

        async def queued() -> None:
            async with limiter.slot():
                pass

        async with limiter.slot():
            waiting = asyncio.create_task(queued())
            await asyncio.sleep(0)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            assert limiter.waiting == 0
        async with limiter.slot():  # the slot is free: the cancelled request took nothing with it
            return True

    assert asyncio.run(scenario())
