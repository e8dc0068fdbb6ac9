"""The server goes away and comes back: seats are kept on the token, then told.

One outage serves every case, to keep the suite short:

- ``steady`` (TTL 30 s): the outage is shorter than its TTL, so heartbeats
  simply resume on the same session when the server is back;
- ``lapsed`` (TTL 2 s, token 30 s): its session dies on the server during the
  outage, but the token keeps the seat; when the server is back the 410 makes
  the client acquire again, transparently;
- ``short`` (token 4 s): the outage outlasts its token, so the program is told
  (SeatLost raised in the body) and a re-acquire succeeds once the server is
  back;
- a client that starts during the outage runs on its cached token.
"""

import time

import pytest

from coditect_license_client import SeatLost, ServerUnreachable

pytestmark = pytest.mark.server


def test_an_outage_is_ridden_out_on_the_token_then_told(
    license_server, make_license, make_client, wait_until
):
    steady_lic = make_license(seats=2, ttl=30, grace=30)
    lapsed_lic = make_license(seats=1, ttl=2, grace=30)
    short_lic = make_license(seats=1, ttl=2, grace=4)
    told = []
    steady = make_client(steady_lic).seat(on_lost=told.append)
    lapsed = make_client(lapsed_lic).seat(on_lost=told.append)
    short_client = make_client(short_lic)
    # A client of the steady license that ran before: its token is on disk.
    restarted = make_client(steady_lic, hardware_id="restarted-box")
    restarted.acquire()

    with steady, lapsed:
        steady_session, lapsed_session = steady.session_id, lapsed.session_id
        assert wait_until(lambda: lapsed.heartbeats >= 1, 5)
        beats_before = steady.heartbeats

        started = time.monotonic()
        with pytest.raises(SeatLost) as caught, short_client.seat() as short:
            token_expiry = short.claims.expires_at
            license_server.stop()
            outage_started = time.monotonic()
            for _ in range(300):  # bounded: the token lasts 4 s
                time.sleep(0.05)
        # Told once the token had expired, not before, and not much later.
        assert time.time() >= token_expiry
        assert time.monotonic() - started < 15
        assert isinstance(caught.value.cause, ServerUnreachable)

        # The others keep running on their tokens, with no silent stop.
        assert wait_until(lambda: steady.offline and lapsed.offline, 15)
        assert steady.held and lapsed.held and told == []

        # Starting while the server is down works on a cached token in its grace.
        again = make_client(steady_lic, hardware_id="restarted-box")
        offline_lease = again.acquire()
        assert offline_lease.offline
        assert offline_lease.session_id == restarted.lease.session_id
        with pytest.raises(ServerUnreachable):
            make_client(steady_lic, hardware_id="never-seen").acquire()

        license_server.start()
        outage = time.monotonic() - outage_started
        assert outage < steady_lic.ttl, f"the outage ({outage:.1f} s) outlasted the steady TTL"
        assert wait_until(lambda: not steady.offline and steady.heartbeats > beats_before, 20)
        assert wait_until(lambda: not lapsed.offline and lapsed.reacquired == 1, 20)
        assert steady.session_id == steady_session  # same session: it never lapsed
        assert lapsed.session_id != lapsed_session  # re-acquired after the 410
        assert told == [] and steady.held and lapsed.held

    # After being told, the program acquires again and gets the seat.
    assert short_client.acquire().seats_used == 1
