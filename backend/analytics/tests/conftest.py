"""The license administration fixtures serve the analytics tests too."""

from licenses.tests.conftest import acquire_limits_out_of_the_way, license_a

__all__ = ["acquire_limits_out_of_the_way", "license_a"]
