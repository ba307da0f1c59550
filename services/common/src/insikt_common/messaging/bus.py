"""The message bus as the outbox relay and the consumers see it; Kafka and in-process implement it."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class OutgoingMessage:
    topic: str
    key: str
    value: bytes
    headers: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass(frozen=True)
class IncomingMessage:
    topic: str
    partition: int
    offset: int
    key: str | None
    value: bytes | None
    headers: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass(frozen=True)
class Share:
    """The partition numbers one of several subscribers splitting a group's partitions reads, of
    every topic: a key (a unit, a participant) has the same partition number in every topic with the
    same partition count, so all its events go to one subscriber. Partitions are assigned, not
    balanced by the group, so subscribers starting together never take partitions from each other;
    offsets are committed for the group."""

    partitions: frozenset[int]

    def takes(self, partition: int) -> bool:
        return partition in self.partitions

    @staticmethod
    def split(sizes: Mapping[int, int], count: int) -> "list[Share]":
        """``count`` shares of the partition numbers in ``sizes`` (messages in that partition of every
        topic together), as even as the largest first, each to the share with the fewest so far,
        makes them: the work is done when the largest share is. Empty partitions (ties) go to the share
        with the fewest partitions, so whatever arrives while the shares are read is spread too."""
        if count < 1:
            raise ValueError(f"{count} shares")
        totals = [0] * count
        members: list[set[int]] = [set() for _ in range(count)]
        for partition in sorted(sizes, key=lambda p: (-sizes[p], p)):
            fewest = min(range(count), key=lambda i: (totals[i], len(members[i])))
            totals[fewest] += sizes[partition]
            members[fewest].add(partition)
        return [Share(frozenset(partitions)) for partitions in members]


class PublishError(RuntimeError):
    """The bus did not acknowledge every message; the caller keeps them and tries again."""


class Subscription(Protocol):
    def poll(self, timeout_s: float, max_records: int) -> list[IncomingMessage]:
        """Next records after the current position (at most ``max_records``)."""
        ...

    def commit(self) -> None:
        """Commit the position after everything returned by ``poll`` so far."""
        ...

    def lag(self) -> int:
        """Messages in the subscribed topics after the current position (as far as known)."""
        ...

    def caught_up(self) -> bool:
        """Whether the position is at the end of every partition this subscriber reads (asks the
        broker: a partition nothing has been fetched from yet counts too)."""
        ...

    def close(self) -> None: ...


class MessageBus(Protocol):
    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        """Return once every message is acknowledged, or raise ``PublishError``."""
        ...

    def subscribe(self, topics: Sequence[str], group: str, share: Share | None = None) -> Subscription:
        """Join ``group`` (or read ``share`` of its partitions); a new group starts from the beginning
        of each topic."""
        ...

    def ping(self) -> bool:
        """Whether the bus is reachable now (for ``/readyz``)."""
        ...

    def close(self) -> None: ...
