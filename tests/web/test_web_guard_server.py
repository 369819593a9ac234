"""A real `credsim serve --host 0.0.0.0 --allow-host NAME`: it warns that there is no login, still
refuses foreign Host and Origin headers, and refuses 100 MB bodies without growing."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
from dashboard_server import get_json, serve_process

HUNDRED_MB = 100 * 2**20
CHUNK = b"x" * 2**20


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def _push(port: int, head: bytes, chunks) -> bytes:
    """Send a request head and body chunks until the server stops taking them; its answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        try:
            conn.sendall(head)
            for chunk in chunks:
                conn.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed without reading the rest
        try:
            return conn.recv(65536)
        except ConnectionResetError:
            return b""


def _status(request: urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads /proc for memory")
def test_every_address_still_checks_host_and_origin_and_caps_bodies(tmp_path):
    runs = tmp_path / "runs"
    extra = ("--host", "0.0.0.0", "--allow-host", "dashboard.example")
    with serve_process(runs, *extra) as (base, process, log):
        printed = log.read_text()
        assert "warning" in printed and "no login" in printed
        assert "dashboard.example" in printed
        port = int(base.rsplit(":", 1)[1])

        foreign = urllib.request.Request(f"{base}/api/runs", headers={"Host": "evil.example"})
        assert _status(foreign) == 400
        allowed = urllib.request.Request(
            f"{base}/api/runs", headers={"Host": f"dashboard.example:{port}"}
        )
        assert _status(allowed) == 200
        forged = urllib.request.Request(
            f"{base}/api/runs",
            data=b'{"scenario": "default", "population": 2000, "days": 20}',
            headers={"Content-Type": "application/json", "Origin": "http://evil.example"},
            method="POST",
        )
        assert _status(forged) == 403
        assert get_json(f"{base}/api/runs") == []  # nothing was started

        before = _rss(process.pid)
        head = (
            f"POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {HUNDRED_MB}\r\n\r\n"
        ).encode()
        declared = _push(port, head, (CHUNK for _ in range(100)))
        head = (
            f"POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        ).encode()
        framed = b"%x\r\n" % len(CHUNK) + CHUNK + b"\r\n"
        streamed = _push(port, head, (framed for _ in range(100)))
        grown = _rss(process.pid) - before
        print(f"server grew by {grown / 2**20:.1f} MiB after two 100 MB bodies")
        assert grown < 50 * 2**20
        for answer in (declared, streamed):
            assert answer == b"" or answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert declared.startswith(b"HTTP/1.1 413")  # refused before a byte of it was read
        assert process.poll() is None and get_json(f"{base}/api/runs") == []
