"""``/import``: an institution's clerk imports a file into the register the site serves, with its write token.

The site holds its store, so ``virsis import --store`` cannot write to it while
it runs; ``virsis import --site URL`` sends each file here instead
(:mod:`virsis_graph.site_client`). ``POST /import?file=NAME`` with the file as
the body (any format ``virsis import`` reads, by the name's extension) and
``Authorization: Bearer <token>`` imports it as ``virsis import`` would, into
the graph ``{base}graph/org/{ID}/{NAME}`` of the token's institution: a row with
an error refuses the file (``400``, each problem naming the row and column);
records that are not the institution's are refused as on ``/graph-store``
(``403``); the records it brings or changes are validated in their
neighbourhood, and a Violation refuses it (``422`` with the report). Importing
the same file again replaces what it said (rows removed from it remove their
records, unless ``keep_missing``); an unchanged file changes nothing. The import
is planned, validated and made under the site's write lock, and the public
mirror, the search index and the rest follow as after any write. The answer is
JSON: the graph, the triples added and removed, the records by kind and what
happened to them, and the import's warnings.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from ..importing import ImportResult, import_files
from ..store import GraphChange, RegisterError
from ..tokens import Token
from .graph_store import (
    MAX_BODY, commit_locked, out_of_scope, out_of_scope_error, plain_error, refusal, scope_prefix, token_of,
)

router = APIRouter()
"""Not served by ``virsis serve --read-only``."""

TRUE = {"1", "true", "yes", "jā"}


def _import(app, token: Token, path: Path, graph: str, options: dict) -> tuple[ImportResult, list[str], object]:
    """Plan the import of ``path`` against the register and make it, all under the write lock.

    (result, records out of the token's scope, report that refused it or None).
    """
    store = app.state.store
    with app.state.write_lock:
        planned: list[GraphChange] = []
        org = token.organisation.rsplit("/", 1)[1]
        result = import_files(store, [path], graph=graph, dry_run=True, planned=planned, agent=f"token {token.id} ({org})", **options)
        if result.errors or not planned:
            return result, [], None
        bad = out_of_scope([t for change in planned if change.graph == graph for t in change.add], token.organisation, store)
        if bad:
            return result, bad, None
        _, refused = commit_locked(app, planned)
        result.written = refused is None
        return result, [], refused


@router.post("/import")
async def import_file(request: Request) -> Response:
    """Import the body, a file named by ``?file=``, into the token's institution's graph of that name."""
    token = token_of(request)
    if isinstance(token, Response):
        return token
    name = Path(request.query_params.get("file", "")).name
    if not name or name in (".", ".."):
        return plain_error("norādiet faila nosaukumu: ?file=services.csv", "name the file: ?file=services.csv", 400)
    body = await request.body()
    if len(body) > MAX_BODY:
        return plain_error(f"fails ir lielāks par {MAX_BODY} baitiem: sadaliet to", f"the file is larger than {MAX_BODY} bytes: split it", 413)
    options = {k: request.query_params[k] for k in ("kind", "sheet", "delimiter") if request.query_params.get(k)}
    options["keep_missing"] = request.query_params.get("keep_missing", "").lower() in TRUE
    graph = scope_prefix(token) + quote(name, safe="._-")
    with tempfile.TemporaryDirectory(prefix="virsis-import-") as folder:
        path = Path(folder) / name
        path.write_bytes(body)
        try:
            result, bad, refused = await run_in_threadpool(_import, request.app, token, path, graph, options)
        except RegisterError as exc:
            return plain_error("reģistrā neizdevās ierakstīt", f"the register could not be written: {exc}", 500)
    if result.errors:
        return PlainTextResponse("\n".join(result.errors) + "\n", status_code=400)
    if bad:
        return out_of_scope_error(token, bad)
    if refused is not None:
        return refusal(request, refused)
    return JSONResponse({
        "graph": graph, "file": name, "written": result.written, "added": result.added, "removed": result.removed,
        "records": {kind: asdict(counts) for kind, counts in result.counts.items()}, "warnings": result.warnings,
    })
