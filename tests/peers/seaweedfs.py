"""A real S3-compatible object store for the storage tests: SeaweedFS (``weed mini``: master,
volume, filer and S3 gateway in one process) on 127.0.0.1, from its own virtualenv
(``.peers/seaweedfs``, built by ``make test``), with one access key and one private bucket."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEED = Path(os.environ.get("SEAWEEDFS_VENV", ROOT / ".peers" / "seaweedfs")) / "bin" / "weed"
ACCESS_KEY = "kommunal-campus"
SECRET_KEY = "s3-test-geheim-0123456789"
BUCKET = "kommunal-campus-media"


def seaweedfs_available() -> bool:
    return WEED.exists()


def _free_ports(count: int) -> list[int]:
    """Free ports whose gRPC twins (port + 10000, SeaweedFS's rule) are free too."""
    ports: list[int] = []
    while len(ports) < count:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port + 10000 > 65535 or port in ports:
            continue
        with socket.socket() as twin:
            try:
                twin.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
        ports.append(port)
    return ports


class SeaweedS3:
    """A running SeaweedFS; ``endpoint`` is its S3 URL. Use as a context manager."""

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="seaweedfs-"))
        master, volume, filer, s3 = _free_ports(4)
        self.endpoint = f"http://127.0.0.1:{s3}"
        config = self.directory / "s3.json"
        config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "kommunal-campus",
                            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                }
            )
        )
        self.command = [
            str(WEED),
            "mini",
            f"-dir={self.directory}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={master}",
            f"-volume.port={volume}",
            f"-filer.port={filer}",
            f"-s3.port={s3}",
            "-admin.ui=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.telemetry=false",
            f"-s3.config={config}",
            f"-bucket={BUCKET}",
        ]

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
        )

    def storage_settings(self) -> dict:
        from lms.settings.base import s3_storage

        return s3_storage(
            bucket=BUCKET, endpoint_url=self.endpoint, access_key=ACCESS_KEY, secret_key=SECRET_KEY
        )

    def __enter__(self) -> SeaweedS3:
        log = open(self.directory / "weed.log", "wb")  # noqa: SIM115 (closed in __exit__)
        self._log = log
        self.process = subprocess.Popen(  # noqa: S603 (the peer's binary, fixed arguments)
            self.command,
            cwd=self.directory,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        client = self.client()
        while True:
            try:
                names = [b["Name"] for b in client.list_buckets()["Buckets"]]
                if BUCKET in names:
                    return self
            except Exception:  # noqa: BLE001, S110 (not up yet)
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError(
                    "SeaweedFS did not start: " + (self.directory / "weed.log").read_text()[-2000:]
                )
            time.sleep(0.3)

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()
        shutil.rmtree(self.directory, ignore_errors=True)
