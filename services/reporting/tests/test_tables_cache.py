"""Kept tables: used only at the version they were computed at, bounded, computed once at a time."""

import gc
import threading
import time

from reporting.survey_results.tables_cache import TablesCache, collection_paused


def test_a_value_is_kept_for_its_version_and_computed_again_for_another() -> None:
    cache = TablesCache(budget=100)
    computed: list[str] = []

    def compute(value: str) -> tuple[str, int]:
        computed.append(value)
        return value, 1

    assert cache.get("round", "v1", lambda: compute("first")) == "first"
    assert cache.get("round", "v1", lambda: compute("again")) == "first"
    assert cache.get("round", "v2", lambda: compute("second")) == "second"
    assert cache.get("round", "v1", lambda: compute("third")) == "third"  # an older version is not kept beside
    assert computed == ["first", "second", "third"]
    assert len(cache) == 1


def test_nothing_is_kept_without_a_version() -> None:
    cache = TablesCache()
    assert cache.get("round", None, lambda: ("a", 1)) == "a"
    assert cache.get("round", None, lambda: ("b", 1)) == "b"
    assert len(cache) == 0


def test_the_least_recently_used_go_first_when_the_budget_is_spent() -> None:
    cache = TablesCache(budget=10)
    cache.get("a", "v", lambda: ("a", 4))
    cache.get("b", "v", lambda: ("b", 4))
    cache.get("a", "v", lambda: ("not computed", 4))  # a used again: b is now the oldest
    cache.get("c", "v", lambda: ("c", 4))
    assert cache.weight == 8
    assert cache.get("a", "v", lambda: ("a again", 4)) == "a"
    assert cache.get("b", "v", lambda: ("b again", 4)) == "b again"
    assert cache.get("huge", "v", lambda: ("huge", 11)) == "huge"
    assert cache.weight <= 10
    assert cache.get("huge", "v", lambda: ("huge again", 11)) == "huge again"


def test_requests_asking_at_once_compute_once() -> None:
    cache = TablesCache()
    calls: list[int] = []

    def slow() -> tuple[str, int]:
        calls.append(1)
        time.sleep(0.05)
        return "tables", 1

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("round", "v", slow))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["tables"] * 4
    assert calls == [1]


def test_collection_resumes_only_when_the_last_pause_ends_and_only_if_it_was_on() -> None:
    assert gc.isenabled()
    with collection_paused():
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
