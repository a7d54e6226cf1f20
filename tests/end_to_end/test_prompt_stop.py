"""A caller may stop the server the moment it reads the address: the stop is clean (exit 0)
every time, not only once the server has settled."""

from __future__ import annotations

import signal

from tests.end_to_end.server import start


def test_a_stop_right_after_the_address_is_clean() -> None:
    codes = []
    for stop_signal in [signal.SIGINT, signal.SIGTERM] * 3:
        served = start()
        try:
            codes.append(served.stop(stop_signal))
        finally:  # a server that did not stop is not left running
            if served.process.poll() is None:
                served.process.kill()
                served.process.wait(timeout=10)
            served.log.close()
    assert codes == [0] * 6
