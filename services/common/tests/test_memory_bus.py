"""The in-process bus keeps Kafka's promises the consumers depend on."""

from insikt_common.messaging.bus import OutgoingMessage, Share
from insikt_common.messaging.memory_bus import InProcessBus


def _publish(bus: InProcessBus, *values: bytes) -> None:
    bus.publish([OutgoingMessage(topic="t", key="k", value=v) for v in values])


def test_a_new_group_reads_from_the_beginning_in_order() -> None:
    bus = InProcessBus()
    _publish(bus, b"1", b"2", b"3")
    assert [m.value for m in bus.subscribe(["t"], "g").poll(0, 10)] == [b"1", b"2", b"3"]


def test_uncommitted_messages_are_read_again_by_the_next_subscription() -> None:
    bus = InProcessBus()
    _publish(bus, b"1", b"2")
    first = bus.subscribe(["t"], "g")
    assert [m.value for m in first.poll(0, 1)] == [b"1"]
    first.commit()
    assert [m.value for m in first.poll(0, 1)] == [b"2"]
    first.close()  # crashed before committing "2"
    assert [m.value for m in bus.subscribe(["t"], "g").poll(0, 10)] == [b"2"]


def test_groups_keep_their_own_offsets() -> None:
    bus = InProcessBus()
    _publish(bus, b"1")
    a = bus.subscribe(["t"], "a")
    a.poll(0, 10)
    a.commit()
    assert a.poll(0, 10) == []
    assert [m.value for m in bus.subscribe(["t"], "b").poll(0, 10)] == [b"1"]


def test_the_share_with_partition_0_reads_the_one_partition_and_the_others_nothing() -> None:
    bus = InProcessBus()
    bus.publish([OutgoingMessage(topic="t", key="k", value=b"v")])
    assert [m.value for m in bus.subscribe(["t"], "g", Share(frozenset({0, 2}))).poll(0, 10)] == [b"v"]
    assert bus.subscribe(["t"], "g", Share(frozenset({1}))).poll(0, 10) == []
