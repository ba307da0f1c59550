import pytest

from insikt_common.messaging.bus import Share

# Messages per partition number in a rebuild benchmark's topics (a million events, 300 units).
SIZES = {0: 166_769, 1: 173_433, 2: 176_775, 3: 153_432, 4: 190_114, 5: 140_079}


def _loads(shares: list[Share]) -> list[int]:
    return [sum(SIZES[p] for p in share.partitions) for share in shares]


def test_every_partition_goes_to_exactly_one_share() -> None:
    shares = Share.split(SIZES, 4)
    assert sorted(p for share in shares for p in share.partitions) == sorted(SIZES)
    assert all(share.takes(p) == (p in share.partitions) for share in shares for p in SIZES)


def test_the_largest_share_is_as_small_as_a_split_of_three_can_make_it() -> None:
    # Every pairing of the six partitions leaves at least 340,202 messages in some share; partition
    # p to share p mod 3 leaves 363,547 (partitions 1 and 4) to one process.
    loads = _loads(Share.split(SIZES, 3))
    assert max(loads) == 340_202
    assert loads == [330_193, 330_207, 340_202]


def test_more_shares_than_partitions_leave_some_shares_empty() -> None:
    shares = Share.split({0: 5, 1: 0}, 3)
    assert [sorted(share.partitions) for share in shares] == [[0], [1], []]
    assert not shares[2].takes(0)


def test_a_split_needs_at_least_one_share() -> None:
    with pytest.raises(ValueError, match="0 shares"):
        Share.split(SIZES, 0)


def test_empty_partitions_are_spread_over_the_shares() -> None:
    # A new installation: whatever arrives while the shares are read goes to every worker.
    assert [len(share.partitions) for share in Share.split(dict.fromkeys(range(6), 0), 3)] == [2, 2, 2]
    assert [sorted(share.partitions) for share in Share.split({0: 100, 1: 0, 2: 0, 3: 0}, 2)] == [[0], [1, 2, 3]]
