"""Change from baseline per participant and area: pure functions over assessments."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

Verdict = Literal["improved", "unchanged", "worse"]


@dataclass(frozen=True)
class Scored:
    """One participant's score in one area at one assessment."""

    participant_id: str
    occasion: str
    rater: str
    assessed_on: date
    score: float


@dataclass(frozen=True)
class Change:
    participant_id: str
    baseline: float
    latest: float

    @property
    def delta(self) -> float:
        return self.latest - self.baseline


def changes(scores: Iterable[Scored], period_from: date | None = None, period_to: date | None = None) -> list[Change]:
    """Per participant: the first baseline, and the latest later assessment by the same rater.

    A participant counts when that later assessment falls in the period (both ends included).
    """
    by_participant: dict[str, list[Scored]] = {}
    for s in scores:
        by_participant.setdefault(s.participant_id, []).append(s)
    found = []
    for participant_id, own in sorted(by_participant.items()):
        own.sort(key=lambda s: (s.assessed_on, s.occasion != "baseline"))
        baselines = [s for s in own if s.occasion == "baseline"]
        if not baselines:
            continue
        baseline = baselines[0]
        later = [
            s
            for s in own
            if s.occasion != "baseline" and s.rater == baseline.rater and s.assessed_on >= baseline.assessed_on
        ]
        later = [s for s in later if _within(s.assessed_on, period_from, period_to)]
        if later:
            found.append(Change(participant_id, baseline.score, later[-1].score))
    return found


def verdict(change: Change, threshold: float, higher_is_better: bool) -> Verdict:
    """Improved or worse when the change reaches ``threshold`` in the good or bad direction."""
    gain = change.delta if higher_is_better else -change.delta
    if gain >= threshold:
        return "improved"
    if gain <= -threshold:
        return "worse"
    return "unchanged"


def days_in_intervention(spans: Sequence[tuple[date, date]]) -> list[float]:
    return [float((ended - started).days) for started, ended in spans]


def _within(day: date, period_from: date | None, period_to: date | None) -> bool:
    return (period_from is None or day >= period_from) and (period_to is None or day <= period_to)


within_period = _within
