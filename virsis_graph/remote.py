"""A remote SPARQL 1.1 endpoint as the register's store.

:class:`RemoteStore` speaks the SPARQL 1.1 Protocol (queries and updates) and,
when configured, the Graph Store HTTP Protocol (whole-graph reads) to any
server: Oxigraph, Apache Jena Fuseki, GraphDB, Virtuoso... It answers with the
same pyoxigraph objects as :class:`~virsis_graph.store.EmbeddedStore`, so the
rest of the code does not know which backend it talks to.

Where an engine departs from the plain protocol, the difference lives in one
place: :class:`_Dialect` and the ``_DIALECTS`` table below.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import httpx
import pyoxigraph as ox

from .settings import ENDPOINT_PASSWORD, ENDPOINT_USER, GRAPH_STORE, UPDATE_ENDPOINT
from .sparql import query_form, with_values
from .store import Bindings, GraphChange, RegisterError, Store

# ---------------------------------------------------------------------------
# Engine differences
# ---------------------------------------------------------------------------

SPARQL_RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"


@dataclass(frozen=True)
class _Dialect:
    """How one engine differs from the plain SPARQL 1.1 Protocol.

    The dialect is chosen from the ``Server`` header of the first answer of the
    query endpoint (see :meth:`RemoteStore._dialect`). Only the generic
    behaviour and Oxigraph's are covered by tests; the Virtuoso entry records
    what its documentation asks for and must be checked against a real server
    before it is relied on.
    """

    name: str
    server_token: str = ""
    """Case-insensitive text in the ``Server`` response header that identifies the engine."""
    query_params: tuple[tuple[str, str], ...] = ()
    """URL parameters added to every query. The store promises that queries see the
    union of all named graphs; engines that do not do so by default are told here."""
    form_encoded: bool = False
    """Send queries and updates as an HTML form (``query=``/``update=``) instead of
    the body-only ``application/sparql-query`` / ``application/sparql-update`` POST."""
    update_field: str = "update"
    """Form field that carries an update when ``form_encoded``."""
    gsp_graph_param: str = "graph"
    """URL parameter naming the graph in Graph Store Protocol requests."""
    pragmas: str = ""
    """Text put in front of every query and update (e.g. Virtuoso ``DEFINE`` lines)."""
    results_accept: str = SPARQL_RESULTS_JSON
    """Accept header for SELECT and ASK (parsed with pyoxigraph, so JSON, XML or TSV)."""
    graph_accept: str = N_TRIPLES
    """Accept header for CONSTRUCT, DESCRIBE and Graph Store reads."""


_GENERIC = _Dialect("SPARQL 1.1")

_DIALECTS: tuple[_Dialect, ...] = (
    # `oxigraph serve` queries only the default graph unless told otherwise;
    # the parameter is harmless when the server runs with --union-default-graph.
    _Dialect("Oxigraph", server_token="oxigraph", query_params=(("union-default-graph", ""),)),
    # Virtuoso's default graph is already the union of all graphs. Its
    # authenticated endpoints are /sparql-auth (digest; updates travel in the
    # `query` form field) and /sparql-graph-crud-auth, which names the graph
    # with `graph-uri`. Untested here.
    _Dialect("Virtuoso", server_token="virtuoso", form_encoded=True, update_field="query", gsp_graph_param="graph-uri"),
)


_READABLE_RESULTS = (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.TSV)


def _dialect_for(server_header: str) -> _Dialect:
    server = server_header.lower()
    return next((d for d in _DIALECTS if d.server_token in server), _GENERIC)


# ---------------------------------------------------------------------------
# Reading SPARQL text without parsing it
# ---------------------------------------------------------------------------

# One alternative per kind of token that can hide a brace or a keyword. Order
# matters: long strings before short ones, IRIs before the `<` operator,
# prefixed names (`ex:where`, `:where`) before bare words.
# ---------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------


class RemoteTriples(list):
    """The triples a CONSTRUCT or DESCRIBE returned (a list of :class:`~pyoxigraph.Triple`).

    Like :class:`pyoxigraph.QueryTriples` it can :meth:`serialize` itself.
    """

    def serialize(self, output: BinaryIO | str | None = None, format: ox.RdfFormat | None = None) -> bytes | None:  # noqa: A002 - pyoxigraph's name
        """Write the triples to ``output`` (bytes returned when None) in ``format``."""
        return ox.serialize(self, output, format)


def _has_blank_node(term: object) -> bool:
    if isinstance(term, ox.BlankNode):
        return True
    if isinstance(term, ox.Triple):
        return any(_has_blank_node(t) for t in (term.subject, term.predicate, term.object))
    return False


@dataclass
class _Net:
    """The net effect of several changes to one graph: drop it or not, then delete, then insert.

    Dicts rather than sets keep the callers' order, so requests are reproducible.
    """

    drop: bool = False
    delete: dict[ox.Triple, None] = field(default_factory=dict)
    insert: dict[ox.Triple, None] = field(default_factory=dict)

    def then(self, change: GraphChange) -> None:
        if change.replace:
            self.drop = True
            self.delete.clear()
            self.insert.clear()
        for t in change.remove:
            self.insert.pop(t, None)
            if not self.drop:  # a dropped graph holds nothing that was not inserted since
                self.delete[t] = None
        for t in change.add:
            self.delete.pop(t, None)
            self.insert[t] = None


def _quad_data(blocks: dict[str, dict[ox.Triple, None]]) -> str:
    parts = []
    for graph, triples in blocks.items():
        body = "\n".join(f"  {t} ." for t in triples)
        parts.append(f"GRAPH <{graph}> {{\n{body}\n}}")
    return "\n".join(parts)


def update_text(changes: Iterable[GraphChange]) -> str:
    """The SPARQL Update request that makes ``changes``, or ``""`` when there is nothing to do.

    Changes to the same graph are merged first (their net effect), so the request
    holds at most one DROP per graph, one DELETE DATA and one INSERT DATA; a
    blank node shared by triples of several graphs stays one node.
    Raises ValueError if a triple to delete has a blank node: DELETE DATA cannot
    name one, so such a graph must be replaced instead.
    """
    nets: dict[str, _Net] = {}
    for change in changes:
        graph = ox.NamedNode(change.graph).value  # refuses an invalid IRI before anything is sent
        nets.setdefault(graph, _Net()).then(change)
    for graph, net in nets.items():
        bad = next((t for t in net.delete if _has_blank_node(t)), None)
        if bad is not None:
            raise ValueError(
                f"cannot remove {bad} from <{graph}> on a remote store: SPARQL DELETE DATA cannot "
                "name blank nodes; replace the whole graph instead (GraphChange(replace=True))"
            )
    operations = [f"DROP SILENT GRAPH <{g}>" for g, net in nets.items() if net.drop]
    deletes = {g: net.delete for g, net in nets.items() if net.delete}
    if deletes:
        operations.append(f"DELETE DATA {{\n{_quad_data(deletes)}\n}}")
    inserts = {g: net.insert for g, net in nets.items() if net.insert}
    if inserts:
        operations.append(f"INSERT DATA {{\n{_quad_data(inserts)}\n}}")
    return " ;\n".join(operations)


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint over HTTP.

    ``endpoint`` answers queries; updates go to ``update_endpoint`` and whole
    graphs are read from ``graph_store`` (Graph Store Protocol) when it is set.
    Arguments left as None come from the settings ``VIRSIS_UPDATE_ENDPOINT``,
    ``VIRSIS_GRAPH_STORE``, ``VIRSIS_ENDPOINT_USER`` and ``VIRSIS_ENDPOINT_PASSWORD``;
    an empty update endpoint means the query endpoint, an empty graph store
    means SPARQL only.

    Credentials go as HTTP basic authentication; if the server asks for digest
    (Virtuoso's ``/sparql-auth``), the store switches to digest and keeps it.

    The server must show queries the union of all named graphs as their default
    graph (as the embedded store does); engines that need to be told so are
    told so by their :class:`_Dialect`. A network failure or an error answer is
    a :class:`~virsis_graph.store.RegisterError` that names the URL.
    """

    def __init__(
        self,
        endpoint: str,
        update_endpoint: str | None = None,
        graph_store: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.endpoint = endpoint
        self.update_endpoint = (UPDATE_ENDPOINT.value() if update_endpoint is None else update_endpoint) or endpoint
        self.graph_store = (GRAPH_STORE.value() if graph_store is None else graph_store) or None
        self.description = endpoint
        self._user = ENDPOINT_USER.value() if user is None else user
        self._password = ENDPOINT_PASSWORD.value() if password is None else password
        self._auth: httpx.Auth | None = httpx.BasicAuth(self._user, self._password) if self._user else None
        self._client = httpx.Client(timeout=timeout, follow_redirects=True)
        self._timeout = timeout
        self._found_dialect: _Dialect | None = None

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    # -- HTTP --------------------------------------------------------------------

    def _where_set(self, url: str) -> str:
        """Which options to check when ``url`` cannot be reached."""
        if url == self.endpoint:
            return "--endpoint / VIRSIS_ENDPOINT"
        setting = "VIRSIS_GRAPH_STORE" if url == self.graph_store else "VIRSIS_UPDATE_ENDPOINT"
        return f"{setting}, and --endpoint / VIRSIS_ENDPOINT"

    def _send(self, method: str, url: str, *, params: dict[str, str] | None = None, **kwargs: object) -> httpx.Response:
        """One HTTP exchange; network failures become RegisterError, HTTP errors do not (yet)."""
        try:
            # httpx's own `params` would replace a query string the configured URL
            # already has (an API key, a default-graph-uri): add to it instead.
            target = httpx.URL(url).copy_merge_params(params) if params else url
            response = self._client.request(method, target, auth=self._auth, **kwargs)
            if response.status_code == 401 and self._digest_wanted(response):
                self._auth = httpx.DigestAuth(self._user, self._password)
                response = self._client.request(method, target, auth=self._auth, **kwargs)
        except httpx.TimeoutException as exc:
            raise RegisterError(
                f"The SPARQL endpoint {url} could not be reached: no answer within {self._timeout:g} s. "
                f"Check that the server is running and the URL is right ({self._where_set(url)})."
            ) from exc
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            raise RegisterError(
                f"The SPARQL endpoint {url} could not be reached ({exc or type(exc).__name__}). "
                f"Check that the server is running and the URL is right ({self._where_set(url)})."
            ) from exc
        return response

    def _digest_wanted(self, response: httpx.Response) -> bool:
        if not self._user or isinstance(self._auth, httpx.DigestAuth):
            return False
        challenges = response.headers.get_list("www-authenticate")
        return any(c.strip().lower().startswith("digest") for c in challenges)

    def _check(self, response: httpx.Response) -> httpx.Response:
        if response.is_success:
            return response
        message = response.text.strip()[:500]
        hint = ""
        if response.status_code in (401, 403):
            hint = (
                " Check VIRSIS_ENDPOINT_USER and VIRSIS_ENDPOINT_PASSWORD."
                if self._user
                else " The server wants credentials: set VIRSIS_ENDPOINT_USER and VIRSIS_ENDPOINT_PASSWORD."
            )
        raise RegisterError(
            f"{response.request.url} answered HTTP {response.status_code} {response.reason_phrase}: {message}{hint}"
        )

    @property
    def _dialect(self) -> _Dialect:
        """The engine behind the endpoint, learned from one ``ASK {}`` the first time it is needed."""
        if self._found_dialect is None:
            # GET is the one query method every SPARQL 1.1 server must accept.
            response = self._check(self._send("GET", self.endpoint, params={"query": "ASK {}"}))
            self._found_dialect = _dialect_for(response.headers.get("server", ""))
        return self._found_dialect

    def _post(self, url: str, text: str, *, update: bool, accept: str | None = None) -> httpx.Response:
        dialect = self._dialect
        text = dialect.pragmas + text
        headers = {"Accept": accept} if accept else {}
        params = {} if update else dict(dialect.query_params)
        if dialect.form_encoded:
            form_field = dialect.update_field if update else "query"
            return self._check(self._send("POST", url, data={form_field: text}, params=params, headers=headers))
        headers["Content-Type"] = "application/sparql-update" if update else "application/sparql-query"
        return self._check(self._send("POST", url, content=text.encode("utf-8"), params=params, headers=headers))

    # -- reading -------------------------------------------------------------------

    def query(self, sparql: str, bindings: Bindings | None = None) -> ox.QuerySolutions | ox.QueryBoolean | RemoteTriples:
        """Run a SPARQL 1.1 query over the union of all named graphs.

        SELECT gives a :class:`~pyoxigraph.QuerySolutions`, ASK a
        :class:`~pyoxigraph.QueryBoolean`, CONSTRUCT and DESCRIBE a
        :class:`RemoteTriples` (a list of :class:`~pyoxigraph.Triple`).
        ``bindings`` become a ``VALUES`` block at the start of the outermost
        WHERE group, each value written as an escaped RDF term; unlike the
        embedded store, a bound variable need not be projected.
        """
        form = query_form(sparql)
        sparql = with_values(sparql, bindings or {})
        if form in ("CONSTRUCT", "DESCRIBE"):
            response = self._post(self.endpoint, sparql, update=False, accept=self._dialect.graph_accept)
            return RemoteTriples(q.triple for q in self._parse_graph(response))
        response = self._post(self.endpoint, sparql, update=False, accept=self._dialect.results_accept)
        fmt = ox.QueryResultsFormat.from_media_type(response.headers.get("content-type", ""))
        if fmt not in _READABLE_RESULTS:  # e.g. text/plain, which pyoxigraph would take for CSV
            fmt = ox.QueryResultsFormat.from_media_type(self._dialect.results_accept)
        try:
            return ox.parse_query_results(response.content, format=fmt)
        except (SyntaxError, ValueError) as exc:
            raise RegisterError(f"{self.endpoint} answered with query results pyoxigraph cannot read: {exc}") from exc

    def _parse_graph(self, response: httpx.Response) -> list[ox.Quad]:
        fmt = ox.RdfFormat.from_media_type(response.headers.get("content-type", "")) or ox.RdfFormat.N_TRIPLES
        try:
            return list(ox.parse(response.content, format=fmt))
        except (SyntaxError, ValueError) as exc:
            raise RegisterError(f"{response.request.url} answered with RDF pyoxigraph cannot read: {exc}") from exc

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every quad of ``graph``, or of all named graphs when None (a missing graph is empty)."""
        if graph is None:
            rows = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            return (ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows)
        g = ox.NamedNode(graph)  # refuses a malformed IRI before it reaches any query text
        if self.graph_store:
            params = {self._dialect.gsp_graph_param: g.value}
            response = self._send("GET", self.graph_store, params=params, headers={"Accept": self._dialect.graph_accept})
            if response.status_code == 404:  # the protocol's answer for a graph that does not exist
                return iter(())
            triples = (q.triple for q in self._parse_graph(self._check(response)))
        else:
            triples = iter(self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}"))
        return (ox.Quad(t.subject, t.predicate, t.object, g) for t in triples)

    def graphs(self) -> list[str]:
        """IRIs of the non-empty named graphs, sorted."""
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(r["g"].value for r in rows if isinstance(r["g"], ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        """Number of triples in ``graph``, or in all named graphs when None, counted by the server."""
        g = "?g" if graph is None else str(ox.NamedNode(graph))
        rows = list(self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}"))
        return int(rows[0]["n"].value) if rows else 0

    # -- writing -------------------------------------------------------------------

    def apply(self, changes: list[GraphChange]) -> None:
        """Make all ``changes`` in one SPARQL Update request.

        SPARQL 1.1 Update asks servers to apply a request atomically (Oxigraph,
        Fuseki and GraphDB do), so all or none of the changes land.

        Nothing is sent when there is nothing to change. Raises ValueError (and
        sends nothing) if a triple to remove has a blank node.
        """
        text = update_text(changes)
        if text:
            self._post(self.update_endpoint, text, update=True)
