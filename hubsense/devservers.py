"""Start real Mosquitto and InfluxDB 1.x servers on free loopback ports with temp dirs.

Used by the tests, the benchmarks and ``scripts/servers``; never touches a system-wide
server. Each server is a context manager that stops it (and removes its files) on exit.
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


class ServerMissing(RuntimeError):
    """The server's executable is not installed."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(check, what: str, proc: subprocess.Popen, log: Path, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}: {log.read_text()[-2000:]}")
        if check():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not become ready in {timeout}s: {log.read_text()[-2000:]}")


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def find_executable(name: str, *extra: str) -> str:
    found = shutil.which(name) or next((p for p in extra if os.access(p, os.X_OK)), None)
    if not found:
        raise ServerMissing(f"{name} is not installed (Debian: apt-get install {name})")
    return found


@dataclass
class _Server:
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="hubsense-")))
    proc: subprocess.Popen | None = None
    keep_dir: bool = False

    @property
    def log(self) -> Path:
        return self.workdir / "server.log"

    def _spawn(self, argv: list[str]) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def close(self) -> None:
        self.stop()
        if not self.keep_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        raise NotImplementedError


@dataclass
class Mosquitto(_Server):
    """A private mosquitto. ``extra_conf`` lines are appended to its config file."""

    port: int = field(default_factory=free_port)
    extra_conf: str = ""
    conf_file: Path | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def write_conf(self) -> Path:
        conf = self.workdir / "mosquitto.conf"
        conf.write_text(
            f"listener {self.port} 127.0.0.1\n"
            # started as root, mosquitto would switch to user "mosquitto", who cannot write
            # the persistence file in our temp dir: stay who we are
            f"user {getpass.getuser()}\n"
            "allow_anonymous true\n"
            "persistence true\n"
            f"persistence_location {self.workdir}/\n"
            "autosave_interval 1\n"
            "max_inflight_messages 0\n"
            "max_queued_messages 1000000\n"
            "max_queued_bytes 0\n"
            "log_dest stderr\n"
            "log_type error\nlog_type warning\nlog_type notice\n" + self.extra_conf
        )
        return conf

    def start(self) -> None:
        exe = find_executable("mosquitto", "/usr/sbin/mosquitto")
        conf = self.conf_file or self.write_conf()
        self._spawn([exe, "-c", str(conf)])
        assert self.proc is not None
        _wait(lambda: _port_open(self.port), "mosquitto", self.proc, self.log)

    def restart(self) -> None:
        self.stop()
        self.start()


@dataclass
class Influxd(_Server):
    """A private InfluxDB 1.x (Debian's ``influxd``) with its data in a temp dir."""

    port: int = field(default_factory=free_port)
    rpc_port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _conf(self) -> Path:
        d = self.workdir
        conf = d / "influxdb.conf"
        conf.write_text(
            "reporting-disabled = true\n"
            f'bind-address = "127.0.0.1:{self.rpc_port}"\n'
            f'[meta]\n  dir = "{d}/meta"\n'
            f'[data]\n  dir = "{d}/data"\n  wal-dir = "{d}/wal"\n'
            '  query-log-enabled = false\n  wal-fsync-delay = "0s"\n'
            f'[http]\n  bind-address = "127.0.0.1:{self.port}"\n  log-enabled = false\n'
            "  max-body-size = 25000000\n"
            "[monitor]\n  store-enabled = false\n"
            "[continuous_queries]\n  enabled = false\n"
        )
        return conf

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/ping", timeout=0.5) as resp:  # noqa: S310
                return resp.status == 204
        except (urllib.error.URLError, OSError):
            return False

    def start(self) -> None:
        exe = find_executable("influxd", "/usr/bin/influxd")
        self._spawn([exe, "-config", str(self._conf())])
        assert self.proc is not None
        _wait(self._ready, "influxd", self.proc, self.log, timeout=30)
