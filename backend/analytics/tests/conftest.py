"""The analytics tests acquire seats by the hundred: the acquire throttles are out of the way."""

from tests.fixtures.seat_limits import acquire_limits_out_of_the_way

__all__ = ["acquire_limits_out_of_the_way"]
