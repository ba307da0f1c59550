"""The numbers in the reports. Pure functions over counts and sums, no I/O.

Every aggregate is built from summed numerators and denominators (``Tally`` adds up), so a
municipality's share is its positive answers over its substantive answers, never a mean of its
units' shares.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

Z95 = NormalDist().inv_cdf(0.975)
GAS_RHO = 0.3
"""Kiresuk–Sherman's assumed correlation between the goals of one person."""


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def overlaps(self, other: "Interval") -> bool:
        return self.low <= other.high and other.low <= self.high


@dataclass(frozen=True)
class Share:
    positive: int
    denominator: int
    """Substantive answers: all answers minus the non-substantive ones (Vet inte, Ej aktuellt)."""

    @property
    def value(self) -> float:
        return self.positive / self.denominator

    @property
    def interval(self) -> Interval:
        return wilson_interval(self.positive, self.denominator)


def share_positive(positive: int, answers: int, non_substantive: int) -> Share | None:
    """Positive answers over substantive answers; None when nobody gave a substantive answer."""
    denominator = answers - non_substantive
    if positive < 0 or positive > denominator:
        raise ValueError(f"positive answers ({positive}) must lie between 0 and the substantive ones ({denominator})")
    return Share(positive, denominator) if denominator > 0 else None


def wilson_interval(successes: int, n: int, z: float = Z95) -> Interval:
    """Wilson score interval: stays inside [0, 1] and behaves at 0 % and 100 %, unlike the Wald interval."""
    if n <= 0:
        raise ValueError("an interval needs at least one observation")
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class Moments:
    """Count, sum and sum of squares of a numeric scale: they add up across units and rounds."""

    n: int = 0
    total: float = 0.0
    total_sq: float = 0.0

    def __add__(self, other: "Moments") -> "Moments":
        return Moments(self.n + other.n, self.total + other.total, self.total_sq + other.total_sq)

    @classmethod
    def of(cls, values: Iterable[tuple[float, int]]) -> "Moments":
        """From (value, how many gave it) pairs."""
        n, total, total_sq = 0, 0.0, 0.0
        for value, count in values:
            n += count
            total += value * count
            total_sq += value * value * count
        return cls(n, total, total_sq)


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float
    sd: float | None
    """Sample standard deviation (n − 1); None for a single value."""
    interval: Interval | None
    """95 % t-interval of the mean; None for a single value."""


def summarise(moments: Moments) -> Summary | None:
    if moments.n == 0:
        return None
    n = moments.n
    mean = moments.total / n
    if n == 1:
        return Summary(n, mean, None, None)
    variance = max(0.0, (moments.total_sq - n * mean * mean) / (n - 1))
    sd = math.sqrt(variance)
    half = t_quantile(0.975, n - 1) * sd / math.sqrt(n)
    return Summary(n, mean, sd, Interval(mean - half, mean + half))


def t_quantile(p: float, df: int) -> float:
    """Student's t quantile: exact for 1 and 2 degrees of freedom, a Cornish–Fisher expansion above
    (within 0.001 of the tables from 3 degrees of freedom at p = 0.975)."""
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    z = NormalDist().inv_cdf(p)
    v = float(df)
    return (
        z
        + (z**3 + z) / (4 * v)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
        + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4)
    )


@dataclass(frozen=True)
class Difference:
    points: float
    """Percentage points, this minus the other."""
    intervals_disjoint: bool
    """The two 95 % intervals do not overlap: a difference worth attention (a conservative test)."""


def difference_in_points(
    value: float, interval: Interval | None, other: float, other_interval: Interval | None
) -> Difference:
    """Difference of two shares (0–1) in percentage points, flagged when their intervals do not overlap."""
    disjoint = interval is not None and other_interval is not None and not interval.overlaps(other_interval)
    return Difference(round((value - other) * 100, 1), disjoint)


def gas_t_score(goals: Sequence[tuple[int, float]], rho: float = GAS_RHO) -> float | None:
    """Kiresuk–Sherman T-score of (attainment −2…+2, weight) pairs; 50 means 'as expected'.

    T = 50 + 10 Σwᵢxᵢ / √((1 − ρ) Σwᵢ² + ρ (Σwᵢ)²)
    """
    if not goals:
        return None
    for level, weight in goals:
        if level not in (-2, -1, 0, 1, 2) or weight <= 0:
            raise ValueError(f"attainment must be −2…+2 and weight positive, got ({level}, {weight})")
    weighted = sum(level * weight for level, weight in goals)
    weights = [weight for _, weight in goals]
    denominator = math.sqrt((1 - rho) * sum(w * w for w in weights) + rho * sum(weights) ** 2)
    return 50 + 10 * weighted / denominator


@dataclass(frozen=True)
class Tally:
    """What one question's answers add up to, for a unit or any roll-up of units."""

    answers: int = 0
    positive: int = 0
    non_substantive: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(
            self.answers + other.answers,
            self.positive + other.positive,
            self.non_substantive + other.non_substantive,
        )

    @property
    def share(self) -> Share | None:
        return share_positive(self.positive, self.answers, self.non_substantive)


def roll_up(tallies: Iterable[Tally]) -> Tally:
    """Sum numerators and denominators (never average the units' shares)."""
    return sum(tallies, Tally())


def area_index(questions: Iterable[Tally]) -> Share | None:
    """Composite index of a quality area: positive answers over substantive answers, pooled over the
    area's questions (each answer weighs the same; a question more people answered weighs more)."""
    return roll_up(questions).share


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
