"""A caller may stop the server the moment it reads the address: the stop is clean (exit 0)
every time, not only once the server has settled."""

from __future__ import annotations

import signal

from mock_posthog.harness.live import LiveServer


def test_a_stop_right_after_the_address_is_clean() -> None:
    codes = []
    for stop_signal in [signal.SIGINT, signal.SIGTERM] * 3:
        served = LiveServer.start()
        codes.append(served.stop(stop_signal))
        served.close()
    assert codes == [0] * 6
