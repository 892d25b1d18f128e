"""A throw-away `oxigraph serve` for tests of the remote store.

``with oxigraph_server() as url:`` starts the server on a free local port with
its data in a temporary folder, and stops it afterwards. Endpoints of
Oxigraph 0.5: queries at ``{url}/query``, updates at ``{url}/update``, the
Graph Store Protocol at ``{url}/store``.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

START_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0


def stop(process: subprocess.Popen, timeout: float = STOP_TIMEOUT) -> None:
    """Stop a server the tests started: politely, then for sure."""
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def oxigraph_executable() -> str:
    """The `oxigraph` command of this Python environment, else the one on PATH."""
    beside = Path(sys.executable).with_name("oxigraph.exe" if sys.platform == "win32" else "oxigraph")
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise FileNotFoundError("the `oxigraph` command is missing: pip install -e '.[test]' (PyPI package oxigraph)")
    return found


def free_port() -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def oxigraph_server(*extra_args: str) -> Iterator[str]:
    """Run `oxigraph serve` while the block runs; yield its base URL (``http://127.0.0.1:PORT``)."""
    with tempfile.TemporaryDirectory(prefix="virsis-oxigraph-") as tmp:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log_path = Path(tmp) / "server.log"
        with log_path.open("wb") as log:
            # A log file rather than a pipe: a pipe nobody reads can fill and stall the server.
            process = subprocess.Popen(
                [oxigraph_executable(), "serve", "--location", str(Path(tmp) / "data"), "--bind", f"127.0.0.1:{port}", *extra_args],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_answers(f"{url}/query", process, "oxigraph serve", lambda: log_path.read_text(errors="replace"))
            yield url
        finally:
            stop(process)


def wait_until_answers(query_url: str, process: subprocess.Popen, name: str, logs: Callable[[], str],
                       timeout: float = START_TIMEOUT) -> None:
    """Wait until the SPARQL endpoint ``query_url`` of the server ``process`` answers ``ASK {}``.

    Raises with the server's ``logs()`` if it exits first or does not answer within ``timeout`` s.
    """
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}: {logs()}")
            try:
                if client.get(query_url, params={"query": "ASK {}"}).status_code == 200:
                    return
            except httpx.TransportError:
                pass  # not listening yet
            time.sleep(0.05)
    raise RuntimeError(f"{name} did not answer on {query_url} within {timeout:g} s: {logs()}")
