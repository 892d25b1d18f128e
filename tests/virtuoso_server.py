"""A throw-away Virtuoso Open Source 7 for tests of the remote store.

``with virtuoso_server() as v:`` starts Debian's ``virtuoso-t`` (package
``virtuoso-opensource``) on two free loopback ports, with its database and
configuration in a temporary folder, waits until its SPARQL endpoint answers,
lets the public endpoint take SPARQL Update, and yields a
:class:`VirtuosoServer` naming its URLs and the ``dba`` credentials. The
server is stopped and the folder removed when the block ends, however it ends.

The configuration is the package's own ``virtuoso.ini`` with the database
paths and both ports changed, and ``ResultSetMaxRows`` raised (Virtuoso cuts
every answer at 10 000 rows by default; the remote store then refuses the
answer rather than use part of it). A benchmark may allow more folders
(``dirs_allowed``: Virtuoso's bulk loader reads files only from those) and set
more of the file (``settings``, e.g. memory buffers).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


from oxigraph_server import free_port, stop, wait_until_answers

START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0
MAX_ROWS = 100_000
"""ResultSetMaxRows of the test server: above anything the tests read whole."""

TEMPLATES = (Path("/usr/share/virtuoso-opensource-7/virtuoso.ini"), Path("/etc/virtuoso-opensource-7/virtuoso.ini"))
INSTALL_HINT = "install Debian's virtuoso-opensource (`make test` and .ci/run do it: apt-get install virtuoso-opensource)"


@dataclass(frozen=True)
class VirtuosoServer:
    """A running Virtuoso: its base URL, SQL port and the administrator's credentials."""

    url: str
    sql_port: int
    user: str = "dba"
    password: str = "dba"

    @property
    def sparql(self) -> str:
        """The public SPARQL endpoint; it also takes updates here (``SPARQL_UPDATE`` granted)."""
        return f"{self.url}/sparql"

    @property
    def sparql_auth(self) -> str:
        """The SPARQL endpoint that wants digest credentials (what a real deployment writes through)."""
        return f"{self.url}/sparql-auth"

    @property
    def graph_store(self) -> str:
        """The Graph Store Protocol endpoint, read-only without credentials."""
        return f"{self.url}/sparql-graph-crud"

    @property
    def graph_store_auth(self) -> str:
        """The Graph Store Protocol endpoint that takes writes, with digest credentials."""
        return f"{self.url}/sparql-graph-crud-auth"

    def sql(self, statement: str) -> str:
        """Run one SQL statement through ``isql-vt``; return its output, raise if it failed."""
        return _isql(self.sql_port, self.user, self.password, statement)


def executable(name: str) -> str:
    """The path of ``name`` (``virtuoso-t``, ``isql-vt``), or an error saying how to install it."""
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"the `{name}` command is missing: {INSTALL_HINT}")
    return found


def template() -> str:
    """The text of the package's default ``virtuoso.ini``."""
    for path in TEMPLATES:
        if path.is_file():
            return path.read_text(encoding="utf-8", errors="replace")
    raise FileNotFoundError(f"no default virtuoso.ini in {', '.join(map(str, TEMPLATES))}: {INSTALL_HINT}")


def configure(text: str, settings: dict[str, dict[str, str]]) -> str:
    """``text`` (an ini file) with ``settings`` ({section: {key: value}}) set; missing keys and sections are added.

    Line by line rather than with configparser: Virtuoso's file repeats keys and
    puts comments after values, which configparser refuses or mangles.
    """
    todo = {section: dict(keys) for section, keys in settings.items()}
    out: list[str] = []
    section = ""

    def close_section() -> None:
        out.extend(f"{key} = {value}" for key, value in todo.pop(section, {}).items())

    for line in text.splitlines():
        header = re.match(r"\s*\[([^\]]+)\]", line)
        if header:
            close_section()
            section = header.group(1).strip()
        else:
            key = re.match(r"\s*([A-Za-z_][\w.]*)\s*=", line)
            if key and key.group(1) in todo.get(section, {}):
                line = f"{key.group(1)} = {todo[section].pop(key.group(1))}"
        out.append(line)
    close_section()
    for name, keys in todo.items():
        out.append(f"[{name}]")
        out.extend(f"{key} = {value}" for key, value in keys.items())
    return "\n".join(out) + "\n"


def _isql(port: int, user: str, password: str, statement: str) -> str:
    result = subprocess.run(
        [executable("isql-vt"), str(port), user, password, f"exec={statement}"],
        capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
    )
    output = result.stdout + result.stderr
    # isql-vt exits 0 even when the statement failed; its error lines start with `*** Error`.
    if result.returncode != 0 or "*** Error" in output:
        raise RuntimeError(f"isql-vt {port} failed on {statement!r}: {output.strip()}")
    return output


@contextmanager
def virtuoso_server(
    max_rows: int = MAX_ROWS, dirs_allowed: Iterable[Path] = (), settings: dict[str, dict[str, str]] | None = None,
) -> Iterator[VirtuosoServer]:
    """Run Virtuoso while the block runs (see the module's description).

    ``dirs_allowed``: further folders the server may read files from (``DirsAllowed``;
    its bulk loader, ``ld_dir``, reads only there). ``settings``: more ``virtuoso.ini``
    settings, {section: {key: value}}, over the ones set here.
    """
    virtuoso = executable("virtuoso-t")
    executable("isql-vt")
    with tempfile.TemporaryDirectory(prefix="virsis-virtuoso-", ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp)
        sql_port, http_port = free_port(), free_port()
        while http_port == sql_port:
            http_port = free_port()
        db = folder / "virtuoso"
        settings_here = {
            "Database": {
                "DatabaseFile": f"{db}.db", "ErrorLogFile": f"{db}.log", "LockFile": f"{db}.lck",
                "TransactionFile": f"{db}.trx", "xa_persistent_file": f"{db}.pxa",
            },
            "TempDatabase": {"DatabaseFile": f"{db}-temp.db", "TransactionFile": f"{db}-temp.trx"},
            "Parameters": {"ServerPort": f"127.0.0.1:{sql_port}", "DirsAllowed": ", ".join([".", str(folder), *map(str, dirs_allowed), "/usr/share/virtuoso-opensource-7/vad"])},
            "HTTPServer": {"ServerPort": f"127.0.0.1:{http_port}"},
            "URIQA": {"DefaultHost": f"127.0.0.1:{http_port}"},
            # Virtuoso refuses a query whose estimated cost exceeds 400 s, and its estimates
            # for property paths are far off (37 million s for a query that takes 0.1 s): off.
            "SPARQL": {"ResultSetMaxRows": str(max_rows), "MaxQueryCostEstimationTime": "0"},
        }
        for section, keys in (settings or {}).items():
            settings_here.setdefault(section, {}).update(keys)
        ini = folder / "virtuoso.ini"
        ini.write_text(configure(template(), settings_here), encoding="utf-8")
        log_path = folder / "server.log"
        with log_path.open("wb") as log:
            # In the foreground, so that this process owns the server and can stop it;
            # a log file rather than a pipe, which could fill and stall the server.
            process = subprocess.Popen(
                [virtuoso, "+configfile", str(ini), "+foreground"],
                cwd=folder, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        server = VirtuosoServer(f"http://127.0.0.1:{http_port}", sql_port)
        try:
            wait_until_answers(server.sparql, process, "virtuoso-t", lambda: _logs(folder), START_TIMEOUT)
            server.sql('grant SPARQL_UPDATE to "SPARQL";')
            yield server
        finally:
            stop(process, STOP_TIMEOUT)


def _logs(folder: Path) -> str:
    return "\n".join(p.read_text(errors="replace")[-3000:] for p in (folder / "server.log", folder / "virtuoso.log") if p.is_file())
