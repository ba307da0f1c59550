"""The instrument as the domain sees it: plain values, no framework, no table yet."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Direction = Literal["higher_is_better", "lower_is_better"]


@dataclass(frozen=True)
class Scale:
    """Whole-number scores from ``minimum`` to ``maximum``; ``anchors`` label some of the points."""

    minimum: int
    maximum: int
    direction: Direction = "higher_is_better"
    anchors: Mapping[int, str] = field(default_factory=dict)

    def contains(self, score: float) -> bool:
        return score == int(score) and self.minimum <= score <= self.maximum


@dataclass(frozen=True)
class Area:
    code: str
    label: str
    """Swedish, as the staff and participants see it."""


@dataclass(frozen=True)
class Instrument:
    """A versioned set of areas on one scale; a new version is a new value, old scores keep theirs."""

    id: str
    version: int
    title: str
    description: str
    licence: str
    scale: Scale
    areas: tuple[Area, ...]

    def has_area(self, code: str) -> bool:
        return any(area.code == code for area in self.areas)
