"""A real learning record store for the xAPI tests: ralph (France Université Numérique's LRS,
PyPI ``ralph-malph``) with its file-system backend and HTTP Basic credentials, served by uvicorn
on 127.0.0.1 from its own virtualenv (``.peers/ralph``, built by ``make test``); see
``ralph_server.py`` for the one setting changed (its file backend appends)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import requests

from . import free_port, stop_process_group, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
SERVER = Path(__file__).with_name("ralph_server.py")
RALPH_VENV = Path(os.environ.get("RALPH_VENV", ROOT / ".peers" / "ralph"))
USERNAME = "kommunal-campus"
PASSWORD = "lrs-test-geheim"


def ralph_available() -> bool:
    return (RALPH_VENV / "bin" / "ralph").exists()


class RalphLrs:
    """A running ralph LRS; ``url`` is its xAPI base URL. Use as a context manager."""

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="ralph-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/xAPI/"
        self.env = {
            **os.environ,
            "RALPH_APP_DIR": str(self.directory / "app"),
            "RALPH_AUTH_FILE": str(self.directory / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(self.directory / "data"),
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.directory / "data"),
        }

    def __enter__(self) -> RalphLrs:
        subprocess.run(  # noqa: S603 (the peer's own CLI, fixed arguments)
            [
                str(RALPH_VENV / "bin" / "ralph"),
                "auth",
                "--username",
                USERNAME,
                "--password",
                PASSWORD,
                "--scope",
                "all",
                "--agent-ifi-account",
                "lrs",
                "http://127.0.0.1/",
                "--write-to-disk",
            ],
            env=self.env,
            cwd=self.directory,
            check=True,
            capture_output=True,
        )
        self.process = subprocess.Popen(  # noqa: S603
            [str(RALPH_VENV / "bin" / "python"), str(SERVER), str(self.port)],
            env=self.env,
            cwd=self.directory,  # nothing of the store's lands in the checkout
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        heartbeat = self.url.replace("xAPI/", "__heartbeat__")
        if wait_until_answering(heartbeat, self.process, ready=lambda response: response.ok):
            return self
        self.stop()
        raise RuntimeError("ralph did not start")

    def stop(self) -> None:
        stop_process_group(self.process)

    def __exit__(self, *exc) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def post(self, statements) -> requests.Response:
        """Send statements as any learning record provider would."""
        return requests.post(
            self.url + "statements",
            json=statements,
            auth=(USERNAME, PASSWORD),
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=30,
        )

    def statements(self) -> list[dict]:
        """Every statement the store holds (following its ``more`` links)."""
        found, url = [], self.url + "statements?limit=500"
        while url:
            response = requests.get(
                url,
                auth=(USERNAME, PASSWORD),
                headers={"X-Experience-API-Version": "1.0.3"},
                timeout=30,
            )
            response.raise_for_status()
            body = response.json()
            found += body["statements"]
            more = body.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else ""
        return found
