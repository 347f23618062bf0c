"""Real peers the tests talk to (identity providers, LRS, object store, PKI), started on
127.0.0.1; the helpers below are what every peer process needs."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_process_group(process: subprocess.Popen | None) -> None:
    """Stop a peer started with ``start_new_session=True`` and everything it spawned:
    SIGTERM, then SIGKILL after ten seconds."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def wait_until_answering(
    url: str,
    process: subprocess.Popen,
    *,
    ready: Callable[[object], bool] = lambda response: True,
    timeout: float = 30,
) -> bool:
    """Poll ``url`` until the peer answers (and ``ready(response)`` holds); False when the
    process exits or ``timeout`` seconds pass first."""
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if ready(requests.get(url, timeout=1)):
                return True
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    return False
