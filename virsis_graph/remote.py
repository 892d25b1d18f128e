"""A remote SPARQL 1.1 endpoint as the register's store.

:class:`RemoteStore` speaks the SPARQL 1.1 Protocol (queries and updates) and,
when configured, the Graph Store HTTP Protocol (whole-graph reads) to any
server: Oxigraph, Apache Jena Fuseki, GraphDB, Virtuoso... It answers with the
same pyoxigraph objects as :class:`~virsis_graph.store.EmbeddedStore`, so the
rest of the code does not know which backend it talks to.

Where an engine departs from the plain protocol, the difference lives in one
place: :class:`_Dialect` and the ``_DIALECTS`` table below. ``docs/remote-engines.md``
says which URLs to give for each engine and what differs.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

import httpx
import pyoxigraph as ox

from .settings import ENDPOINT_PASSWORD, ENDPOINT_TIMEOUT, ENDPOINT_USER, GRAPH_STORE, UPDATE_ENDPOINT
from .sparql import query_form, with_values
from .store import Bindings, GraphChange, RegisterError, Store

# ---------------------------------------------------------------------------
# Engine differences
# ---------------------------------------------------------------------------

SPARQL_RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class _Dialect:
    """How one engine differs from the plain SPARQL 1.1 Protocol.

    The dialect is chosen from the ``Server`` header of the first answer of the
    query endpoint (see :meth:`RemoteStore._dialect`). The generic behaviour,
    Oxigraph's and Virtuoso's are tested against real servers
    (``tests/test_remote.py``); ``docs/remote-engines.md`` lists what each
    difference is for.
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
    pragmas: str = ""
    """Text put in front of every query and update (e.g. Virtuoso ``DEFINE`` lines)."""
    results_accept: str = SPARQL_RESULTS_JSON
    """Accept header for SELECT and ASK (parsed with pyoxigraph, so JSON, XML or TSV)."""
    graph_accept: str = N_TRIPLES
    """Accept header for CONSTRUCT, DESCRIBE and Graph Store reads."""
    update_accept: str = ""
    """Accept header for updates, when the engine needs one to answer at all."""
    digest_auth: bool = False
    """Credentials go as HTTP digest even when the server does not say so: it answers
    basic credentials with a bare 401, without the challenge that would tell."""
    own_graphs: tuple[str, ...] = ()
    """Graphs the engine keeps for itself, never shown to the register."""
    own_graphs_query: str = ""
    """A SELECT of ``?g`` listing more of the engine's own graphs, whose names depend
    on the installation (its host name); run once, when the dialect is learnt."""
    dataset_pragma: str = ""
    """When set, every query names its dataset: this pragma, for each of the
    register's graphs (``{graph}``), makes it part of the default graph and of the
    named graphs. For engines whose default graph also holds their own graphs and
    that cannot reliably leave graphs out. The list is learnt by one query and
    kept for ``DATASET_TTL`` seconds, and anew after every write of this store."""
    data_blocks: bool = True
    """Updates may use ``INSERT DATA`` / ``DELETE DATA``. When False they use
    ``INSERT {…} WHERE {…}`` / ``DELETE {…} WHERE {…}``, whose templates may hold
    blank nodes and values computed in the WHERE clause."""
    request_size: int = 0
    """Most characters of SPARQL one update request carries (0: no limit); a larger
    write goes as several requests, in order, each of whole operations."""
    operation_size: int = 0
    """Most triples one INSERT or DELETE operation carries (0: no limit); more go in
    further operations of the same request. A blank node's triples stay in one."""
    computed_literal: Callable[[ox.Literal], bool] | None = None
    """Which literals cannot be constants in an update (the engine refuses or alters
    them): they are written as ``STRDT(lexical form, datatype)`` bound in the WHERE
    clause (needs ``data_blocks=False``)."""
    engine_literal: Callable[[ox.Literal], ox.Literal] | None = None
    """Turns a literal as the engine answers it back into its XSD lexical form."""
    canonical_literals: bool = False
    """Rewrite the XSD literals of answers into the canonical forms the embedded
    store gives (``"0.0"^^xsd:double`` → ``"0"``), so both backends answer alike."""
    graphs_by_select: bool = False
    """Read whole graphs with SELECT, never CONSTRUCT or the Graph Store Protocol:
    only SELECT answers say when the engine cut them (``row_limit_header``)."""
    row_limit_header: str = ""
    """Response header by which the engine says it stopped a SELECT answer at its row limit."""
    row_limit_hint: str = ""
    """What to do when that happens (the setting that raises the limit)."""
    partial_header: tuple[str, str] | None = None
    """Response header and value by which the engine says it stopped evaluating a query
    at a time limit and answered with the rows it had (HTTP 200 all the same)."""
    partial_detail: str = ""
    """Response header with the engine's own words on that answer, quoted in the error."""
    partial_hint: str = ""
    """What to do when that happens."""

    @property
    def rewrites_answers(self) -> bool:
        """Whether answers are rewritten before the register sees them."""
        return self.canonical_literals or self.engine_literal is not None


_GENERIC = _Dialect("SPARQL 1.1")


def _typed_value(literal: ox.Literal) -> bool:
    """An XSD literal other than a string: one Virtuoso keeps as a value rather than as text."""
    datatype = literal.datatype.value
    return datatype.startswith(XSD) and datatype != XSD + "string"


def _virtuoso_literal(literal: ox.Literal) -> ox.Literal:
    """Virtuoso 7 keeps an ``xsd:duration`` as a number: seconds for a day-time
    duration (``"86400.0"``), months for a year-month one (``"14"``); other forms
    come back as they were written."""
    if literal.datatype.value != XSD + "duration":
        return literal
    text = literal.value.strip()
    sign = "-" if text.startswith("-") else ""
    number = text.lstrip("+-")
    if re.fullmatch(r"\d+", number):
        return ox.Literal(f"{sign}P{number}M", datatype=literal.datatype)
    if re.fullmatch(r"\d*\.\d*(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+", number):
        try:
            seconds = Decimal(number)
        except InvalidOperation:
            return literal
        return ox.Literal(f"{sign}PT{seconds:f}S", datatype=literal.datatype)
    return literal


_DIALECTS: tuple[_Dialect, ...] = (
    # `oxigraph serve` queries only the default graph unless told otherwise;
    # the parameter is harmless when the server runs with --union-default-graph.
    _Dialect("Oxigraph", server_token="oxigraph", query_params=(("union-default-graph", ""),)),
    # Virtuoso Open Source 7 (checked on Debian's 7.2.5), quirk by quirk:
    # - a POSTed application/sparql-query body is never answered: send forms;
    # - an update with `Accept: */*` fails after it has been applied: ask for JSON;
    # - /sparql-auth answers basic credentials with a 401 without a challenge: use digest;
    # - its default graph is already the union of all graphs, its own included
    #   (schemas, the service description, WebDAV metadata), and its pragmas that
    #   exclude graphs break `GRAPH <iri>` patterns (they then match nothing): name
    #   the register's graphs in every query instead;
    # - INSERT DATA refuses blank nodes; any update refuses an xsd:duration or
    #   xsd:time constant ("No column P1DD"); typed constants of one operation that
    #   are equal as values become one ("true"^^xsd:boolean turns into the
    #   "1"^^xsd:nonNegativeInteger beside it) and "85"^^xsd:decimal an integer:
    #   use templates, with every typed value bound by STRDT, which keeps it intact;
    # - one operation compiles to at most 10 000 lines of SQL (about 1 000 triples):
    #   split writes into operations of 500 triples; and one request compiles to at
    #   most 32 KB of code ("SQ199", seen at 1.6 MB of SPARQL, not at 0.9 MB): send
    #   a large write as several requests of at most 250 KB;
    # - it stores typed values natively (durations as seconds or months, booleans as
    #   0/1 in JSON, "0.0" for the double 0) and labels blank nodes `nodeID://b1`;
    # - it cuts every answer at ResultSetMaxRows (10 000 by default), saying so
    #   only in a header of SELECT answers, and not at all for CONSTRUCT or the
    #   Graph Store Protocol: read graphs with SELECT and refuse a cut answer.
    # - asked with a `timeout` URL parameter it answers "anytime": at the deadline,
    #   HTTP 200 with the rows found so far (often none), said only in the header
    #   X-SQL-State: S1TAT. A validation would pass on such an answer: refuse it.
    #   (MaxQueryExecutionTime in virtuoso.ini gives an HTTP 500 error instead.)
    _Dialect(
        "Virtuoso",
        server_token="virtuoso",
        form_encoded=True,
        update_accept=SPARQL_RESULTS_JSON,
        digest_auth=True,
        own_graphs=(
            "http://www.openlinksw.com/schemas/virtrdf#",
            "http://www.w3.org/2002/07/owl#",
            "http://www.w3.org/ns/ldp#",
        ),
        own_graphs_query=(
            "SELECT DISTINCT ?g WHERE { "
            "{ GRAPH ?g { ?s <http://www.w3.org/ns/sparql-service-description#endpoint> ?e } } UNION "
            "{ GRAPH ?g { ?s <http://www.openlinksw.com/schemas/DAV#ownerUser> ?o } } }"
        ),
        dataset_pragma="define input:default-graph-uri {graph} define input:named-graph-uri {graph}\n",
        data_blocks=False,
        operation_size=500,
        request_size=250_000,
        computed_literal=_typed_value,
        engine_literal=_virtuoso_literal,
        canonical_literals=True,
        graphs_by_select=True,
        row_limit_header="x-sparql-maxrows",
        row_limit_hint=(
            "paceliet ResultSetMaxRows virtuoso.ini sadaļā [SPARQL] / "
            "raise ResultSetMaxRows in the [SPARQL] section of virtuoso.ini (see docs/remote-engines.md)"
        ),
        partial_header=("x-sql-state", "S1TAT"),
        partial_detail="x-sql-message",
        partial_hint=(
            "noņemiet `timeout` no galapunkta URL vai paceliet servera laika robežu / "
            "remove `timeout` from the endpoint URL, or raise the server's time limit (see docs/remote-engines.md)"
        ),
    ),
)


_READABLE_RESULTS = (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.TSV)

DATASET_TTL = 10.0
"""Seconds a learnt list of the register's graphs is used (see ``_Dialect.dataset_pragma``):
a graph another process adds shows in this store's queries at most this late."""
_NO_GRAPH = "urn:x-virsis:no-graph"
"""Named as the dataset when the register has no graph: an empty default graph, not the engine's whole store."""
_LIST_GRAPHS = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _dialect_for(server_header: str) -> _Dialect:
    server = server_header.lower()
    return next((d for d in _DIALECTS if d.server_token in server), _GENERIC)


# ---------------------------------------------------------------------------
# Answers as the embedded store would give them
# ---------------------------------------------------------------------------

_CANONICAL_CHUNK = 1_000
_canonical_store: ox.Store | None = None


def _canonical_forms(literals: Iterable[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """Each XSD literal (other than strings) → the form pyoxigraph gives it.

    pyoxigraph keeps typed values as values and writes them back in one
    canonical form; a VALUES block of an empty in-memory store does exactly
    that, so the forms are pyoxigraph's own rather than an imitation. A literal
    pyoxigraph cannot read as its datatype comes back unchanged.
    """
    global _canonical_store
    wanted = [lit for lit in dict.fromkeys(literals) if lit.datatype.value.startswith(XSD) and lit.datatype.value != XSD + "string"]
    found: dict[ox.Literal, ox.Literal] = {}
    if not wanted:
        return found
    if _canonical_store is None:
        _canonical_store = ox.Store()
    for start in range(0, len(wanted), _CANONICAL_CHUNK):
        chunk = wanted[start : start + _CANONICAL_CHUNK]
        # Terms written by pyoxigraph itself: escaped, never spliced raw.
        rows = " ".join(f"({i} {lit})" for i, lit in enumerate(chunk))
        for row in _canonical_store.query(f"SELECT ?i ?x WHERE {{ VALUES (?i ?x) {{ {rows} }} }}"):
            found[chunk[int(row["i"].value)]] = row["x"]
    return found


def _answer_literals(literals: Iterable[ox.Literal], dialect: _Dialect) -> dict[ox.Literal, ox.Literal]:
    """Each literal of an answer → the literal the register sees (engine forms undone, canonical forms)."""
    fixed = {lit: dialect.engine_literal(lit) if dialect.engine_literal else lit for lit in literals}
    if dialect.canonical_literals:
        canonical = _canonical_forms(fixed.values())
        fixed = {lit: canonical.get(new, new) for lit, new in fixed.items()}
    return {lit: new for lit, new in fixed.items() if new != lit}


_BLANK_LABEL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(?<!\.)")


def _blank_label(label: str) -> str:
    """A blank node label pyoxigraph accepts, one for one: Virtuoso's ``nodeID://b1`` becomes
    ``b1`` (what its N-Triples call it), any other invalid label a hex spelling of itself."""
    if _BLANK_LABEL.fullmatch(label):
        return label
    if label.startswith("nodeID://") and _BLANK_LABEL.fullmatch(label[9:]):
        return label[9:]
    return "x" + label.encode("utf-8").hex()


def _json_term(value: dict) -> ox.Literal | None:
    if value.get("type") not in ("literal", "typed-literal"):
        return None
    if "xml:lang" in value:
        return None  # language-tagged strings are never rewritten
    return ox.Literal(value["value"], datatype=ox.NamedNode(value.get("datatype") or XSD + "string"))


def _rewrite_json_results(content: bytes, dialect: _Dialect) -> bytes:
    """SPARQL JSON results with blank node labels made valid and literals as the register sees them."""
    try:
        data = json.loads(content)
    except ValueError:
        return content  # let pyoxigraph say what is wrong with it
    bindings = data.get("results", {}).get("bindings") if isinstance(data, dict) else None
    if not bindings:
        return content
    literals: set[ox.Literal] = set()
    for row in bindings:
        for value in row.values():
            if value.get("type") == "bnode":
                value["value"] = _blank_label(str(value.get("value", "")))
            else:
                try:
                    term = _json_term(value)
                except (TypeError, ValueError):
                    term = None
                if term is not None:
                    literals.add(term)
    fixed = _answer_literals(literals, dialect) if dialect.rewrites_answers else {}
    if fixed:
        for row in bindings:
            for name, value in row.items():
                try:
                    term = _json_term(value)
                except (TypeError, ValueError):
                    continue
                if term in fixed:
                    new = fixed[term]
                    row[name] = {"type": "literal", "value": new.value, "datatype": new.datatype.value}
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _rewrite_triples(triples: list[ox.Triple], dialect: _Dialect) -> list[ox.Triple]:
    """``triples`` with their literals as the register sees them."""
    if not dialect.rewrites_answers:
        return triples
    fixed = _answer_literals({t.object for t in triples if isinstance(t.object, ox.Literal) and not t.object.language}, dialect)
    if not fixed:
        return triples
    return [ox.Triple(t.subject, t.predicate, fixed[t.object]) if t.object in fixed else t for t in triples]


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


class _Template:
    """Quads written into an update, with the literals the engine refuses as constants
    replaced by variables bound in a WHERE clause (see ``_Dialect.computed_literal``)."""

    def __init__(self, computed: Callable[[ox.Literal], bool] | None) -> None:
        self.computed = computed
        self.bound: dict[ox.Literal, str] = {}

    def term(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
        if self.computed and isinstance(term, ox.Literal) and self.computed(term):
            return self.bound.setdefault(term, f"?v{len(self.bound)}")
        return str(term)

    def triple(self, t: ox.Triple) -> str:
        return f"{self.term(t.subject)} {self.term(t.predicate)} {self.term(t.object)}"

    def quads(self, blocks: dict[str, dict[ox.Triple, None]]) -> str:
        parts = []
        for graph, triples in blocks.items():
            body = "\n".join(f"  {self.triple(t)} ." for t in triples)
            parts.append(f"GRAPH <{graph}> {{\n{body}\n}}")
        return "\n".join(parts)

    def where(self) -> str:
        # The lexical form and datatype are written by pyoxigraph (escaped), never spliced raw.
        binds = [f"BIND(STRDT({ox.Literal(lit.value)}, {lit.datatype}) AS {var})" for lit, var in self.bound.items()]
        # Never an empty WHERE, though one BIND gives the same single solution:
        # Virtuoso 7.2 fails (after writing) on `INSERT {…} WHERE {}` with blank nodes in two graphs.
        return f"WHERE {{ {' '.join(binds or ['BIND(1 AS ?one)'])} }}"


def _blank_labels(term: object) -> list[str]:
    if isinstance(term, ox.BlankNode):
        return [term.value]
    if isinstance(term, ox.Triple):
        return [label for part in (term.subject, term.predicate, term.object) for label in _blank_labels(part)]
    return []


Blocks = dict[str, dict[ox.Triple, None]]


def _operations(blocks: Blocks, size: int) -> list[Blocks]:
    """``blocks`` split into parts of at most ``size`` triples (0: one part), in order.

    The triples that share blank nodes, through any chain of them and in any
    graph, stay in one part: a blank node is one node only within one operation.
    """
    if not size:
        return [blocks]
    items = [(graph, t) for graph, triples in blocks.items() for t in triples]
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    for _, t in items:
        labels = _blank_labels(t)
        for label in labels[1:]:
            parent[root(label)] = root(labels[0])
    groups: dict[tuple[str, object], list[tuple[str, ox.Triple]]] = {}
    for i, (graph, t) in enumerate(items):
        labels = _blank_labels(t)
        key = ("blank", root(labels[0])) if labels else ("triple", i)
        groups.setdefault(key, []).append((graph, t))
    parts: list[Blocks] = []
    part: Blocks = {}
    count = 0
    for group in groups.values():
        if count and count + len(group) > size:
            parts.append(part)
            part, count = {}, 0
        for graph, t in group:
            part.setdefault(graph, {})[t] = None
        count += len(group)
    if part:
        parts.append(part)
    return parts


def _write(verb: str, blocks: Blocks, dialect: _Dialect) -> str:
    """One ``INSERT``/``DELETE`` operation: a DATA block, or a template where the dialect needs one."""
    template = _Template(dialect.computed_literal)
    body = template.quads(blocks)
    if dialect.data_blocks and not template.bound:
        return f"{verb} DATA {{\n{body}\n}}"
    return f"{verb} {{\n{body}\n}}\n{template.where()}"


def _update_operations(changes: Iterable[GraphChange], dialect: _Dialect) -> list[str]:
    nets: dict[str, _Net] = {}
    for change in changes:
        graph = ox.NamedNode(change.graph).value  # refuses an invalid IRI before anything is sent
        nets.setdefault(graph, _Net()).then(change)
    for graph, net in nets.items():
        bad = next((t for t in net.delete if _has_blank_node(t)), None)
        if bad is not None:
            raise ValueError(
                f"attālinātā krātuvē nevar dzēst {bad} no <{graph}>: SPARQL DELETE DATA nevar nosaukt tukšus mezglus; aizstājiet visu grafu / "
                f"cannot remove {bad} from <{graph}> on a remote store: SPARQL DELETE DATA cannot "
                "name blank nodes; replace the whole graph instead (GraphChange(replace=True))"
            )
    operations = [f"DROP SILENT GRAPH <{g}>" for g, net in nets.items() if net.drop]
    deletes = {g: net.delete for g, net in nets.items() if net.delete}
    if deletes:
        operations += [_write("DELETE", part, dialect) for part in _operations(deletes, dialect.operation_size)]
    inserts = {g: net.insert for g, net in nets.items() if net.insert}
    if inserts:
        operations += [_write("INSERT", part, dialect) for part in _operations(inserts, dialect.operation_size)]
    return operations


def update_text(changes: Iterable[GraphChange], dialect: _Dialect = _GENERIC) -> str:
    """The SPARQL Update request that makes ``changes``, or ``""`` when there is nothing to do.

    Changes to the same graph are merged first (their net effect), so the request
    holds at most one DROP per graph, then the DELETE and INSERT operations
    (one each, ``DATA`` blocks, unless the dialect wants templates or smaller
    operations); a blank node shared by triples of several graphs stays one node.
    Raises ValueError if a triple to delete has a blank node: DELETE DATA cannot
    name one, so such a graph must be replaced instead.
    """
    return " ;\n".join(_update_operations(changes, dialect))


def update_requests(changes: Iterable[GraphChange], dialect: _Dialect = _GENERIC) -> list[str]:
    """The requests that make ``changes``, to send in order: :func:`update_text` split where
    the dialect limits the size of a request (one request otherwise; none for no change)."""
    requests: list[str] = []
    current: list[str] = []
    size = 0
    for operation in _update_operations(changes, dialect):
        if current and dialect.request_size and size + len(operation) > dialect.request_size:
            requests.append(" ;\n".join(current))
            current, size = [], 0
        current.append(operation)
        size += len(operation) + 3
    if current:
        requests.append(" ;\n".join(current))
    return requests


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint over HTTP.

    ``endpoint`` answers queries; updates go to ``update_endpoint`` and whole
    graphs are read from ``graph_store`` (Graph Store Protocol) when it is set.
    Arguments left as None come from the settings ``VIRSIS_UPDATE_ENDPOINT``,
    ``VIRSIS_GRAPH_STORE``, ``VIRSIS_ENDPOINT_USER``, ``VIRSIS_ENDPOINT_PASSWORD`` and
    ``VIRSIS_ENDPOINT_TIMEOUT`` (seconds per answer);
    an empty update endpoint means the query endpoint, an empty graph store
    means SPARQL only.

    Credentials go as HTTP basic authentication; if the server asks for digest,
    or is one that wants digest without asking (Virtuoso's ``/sparql-auth``),
    the store switches to digest and keeps it.

    The server must show queries the union of all named graphs as their default
    graph (as the embedded store does); engines that need to be told so are
    told so by their :class:`_Dialect`, and graphs an engine keeps for itself
    are hidden. Answers come back as the embedded store would give them where
    the dialect knows how an engine differs (canonical literals, valid blank
    node labels). A network failure, an error answer, or an answer the engine
    says it cut short is a :class:`~virsis_graph.store.RegisterError` that
    names the URL.
    """

    def __init__(
        self,
        endpoint: str,
        update_endpoint: str | None = None,
        graph_store: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.update_endpoint = (UPDATE_ENDPOINT.value() if update_endpoint is None else update_endpoint) or endpoint
        self.graph_store = (GRAPH_STORE.value() if graph_store is None else graph_store) or None
        self.description = endpoint
        self._user = ENDPOINT_USER.value() if user is None else user
        self._password = ENDPOINT_PASSWORD.value() if password is None else password
        self._auth: httpx.Auth | None = httpx.BasicAuth(self._user, self._password) if self._user else None
        if timeout is None:
            try:
                timeout = float(ENDPOINT_TIMEOUT.value())
                if not timeout > 0:
                    raise ValueError(timeout)
            except ValueError:
                raise RegisterError(f"VIRSIS_ENDPOINT_TIMEOUT={ENDPOINT_TIMEOUT.value()!r}: norādiet sekundes, piem., 600 / "
                                    "give seconds, e.g. 600") from None
        self._client = httpx.Client(timeout=timeout, follow_redirects=True)
        self._timeout = timeout
        self._found_dialect: _Dialect | None = None
        self._own_graphs: frozenset[str] = frozenset()
        self._dataset: tuple[float, str] | None = None  # (when learnt, the pragmas naming it)

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
                f"SPARQL galapunkts {url} nav sasniedzams: {self._timeout:g} s nav atbildes. "
                "Pārbaudiet, vai serveris darbojas un adrese ir pareiza. / "
                f"The SPARQL endpoint {url} could not be reached: no answer within {self._timeout:g} s. "
                f"Check that the server is running and the URL is right ({self._where_set(url)})."
            ) from exc
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            raise RegisterError(
                "SPARQL galapunkts nav sasniedzams; pārbaudiet, vai serveris darbojas un adrese ir pareiza. / "
                f"The SPARQL endpoint {url} could not be reached ({exc or type(exc).__name__}). "
                f"Check that the server is running and the URL is right ({self._where_set(url)})."
            ) from exc
        return response

    def _digest_wanted(self, response: httpx.Response) -> bool:
        if not self._user or isinstance(self._auth, httpx.DigestAuth):
            return False
        challenges = response.headers.get_list("www-authenticate")
        if any(c.strip().lower().startswith("digest") for c in challenges):
            return True
        return _dialect_for(response.headers.get("server", "")).digest_auth

    def _check(self, response: httpx.Response) -> httpx.Response:
        if response.is_success:
            return response
        message = response.text.strip()[:500]
        hint = ""
        if response.status_code in (401, 403):
            hint = (
                " Pārbaudiet / Check VIRSIS_ENDPOINT_USER, VIRSIS_ENDPOINT_PASSWORD."
                if self._user
                else " Serveris prasa piekļuves datus, iestatiet / The server wants credentials: set VIRSIS_ENDPOINT_USER, VIRSIS_ENDPOINT_PASSWORD."
            )
        raise RegisterError(
            f"{response.request.url} atbildēja / answered HTTP {response.status_code} {response.reason_phrase}: {message}{hint}"
        )

    @property
    def _dialect(self) -> _Dialect:
        """The engine behind the endpoint, learned from one ``ASK {}`` the first time it is needed.

        An engine with graphs of its own is then asked which they are, once.
        """
        if self._found_dialect is None:
            # GET is the one query method every SPARQL 1.1 server must accept.
            response = self._check(self._send("GET", self.endpoint, params={"query": "ASK {}"}))
            dialect = _dialect_for(response.headers.get("server", ""))
            own = set(dialect.own_graphs)
            if dialect.own_graphs_query:
                answer = self._post(self.endpoint, dialect.own_graphs_query, update=False, accept=dialect.results_accept, dialect=dialect, named=False)
                own |= {row["g"].value for row in self._solutions(answer, dialect) if isinstance(row["g"], ox.NamedNode)}
            self._own_graphs = frozenset(own)
            self._found_dialect = dialect
        return self._found_dialect

    def _list_graphs(self, dialect: _Dialect) -> list[str]:
        """The register's graphs (the engine's own left out), sorted; renews the dataset of later queries."""
        answer = self._post(self.endpoint, _LIST_GRAPHS, update=False, accept=dialect.results_accept, dialect=dialect, named=False)
        found = sorted(
            row["g"].value for row in self._solutions(answer, dialect)
            if isinstance(row["g"], ox.NamedNode) and row["g"].value not in self._own_graphs
        )
        if dialect.dataset_pragma:
            names = found or [_NO_GRAPH]
            self._dataset = (time.monotonic(), "".join(dialect.dataset_pragma.format(graph=ox.NamedNode(g)) for g in names))
        return found

    def _dataset_pragmas(self, dialect: _Dialect) -> str:
        if not dialect.dataset_pragma:
            return ""
        if self._dataset is None or time.monotonic() - self._dataset[0] > DATASET_TTL:
            self._list_graphs(dialect)
        assert self._dataset is not None
        return self._dataset[1]

    def _post(
        self, url: str, text: str, *, update: bool, accept: str | None = None, dialect: _Dialect | None = None, named: bool = True,
    ) -> httpx.Response:
        """POST a query or an update; a query names its dataset where the dialect wants it (unless ``named`` is False)."""
        dialect = dialect or self._dialect
        text = dialect.pragmas + ("" if update or not named else self._dataset_pragmas(dialect)) + text
        accept = accept or (dialect.update_accept if update else "")
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
        dialect = self._dialect
        if form in ("CONSTRUCT", "DESCRIBE"):
            response = self._post(self.endpoint, sparql, update=False, accept=dialect.graph_accept)
            return RemoteTriples(self._triples(response))
        response = self._post(self.endpoint, sparql, update=False, accept=dialect.results_accept)
        return self._solutions(response, dialect)

    def _refuse_incomplete(self, response: httpx.Response, dialect: _Dialect) -> None:
        """Raise if the engine says the answer is not whole: cut at its row limit, or stopped when time ran out."""
        why = hint = ""
        limit = response.headers.get(dialect.row_limit_header) if dialect.row_limit_header else None
        if limit is not None:
            why = (f"apturēja atbildi pie savas robežas – {limit} rindām / stopped its answer at its limit of {limit} rows")
            hint = dialect.row_limit_hint
        elif dialect.partial_header is not None:
            header, value = dialect.partial_header
            if response.headers.get(header, "").strip().upper() == value:
                said = " ".join(response.headers.get(dialect.partial_detail, "").split())[:200]
                why = (f"atbildēja tikai ar daļu rezultātu, jo vaicājumu pārtrauca laika robeža / answered with only "
                       f"part of the results, as its time limit stopped the query ({header}: {value}; {said})")
                hint = dialect.partial_hint
        if why:
            raise RegisterError(
                f"{response.request.url} {why}; atbilde var būt nepilnīga, tāpēc netiek izmantota / the answer may be "
                f"incomplete, so it is not used: {hint}."
            )

    def _solutions(self, response: httpx.Response, dialect: _Dialect) -> ox.QuerySolutions | ox.QueryBoolean:
        """The SELECT or ASK answer in ``response``, refused if the engine says it cut it or stopped early."""
        self._refuse_incomplete(response, dialect)
        fmt = ox.QueryResultsFormat.from_media_type(response.headers.get("content-type", ""))
        if fmt not in _READABLE_RESULTS:  # e.g. text/plain, which pyoxigraph would take for CSV
            fmt = ox.QueryResultsFormat.from_media_type(dialect.results_accept)
        content = response.content
        # Blank node labels may be ones pyoxigraph refuses (Virtuoso's `nodeID://b1`), whatever the engine.
        if fmt == ox.QueryResultsFormat.JSON and (dialect.rewrites_answers or b'"bnode"' in content):
            content = _rewrite_json_results(content, dialect)
        try:
            return ox.parse_query_results(content, format=fmt)
        except (SyntaxError, ValueError) as exc:
            raise RegisterError(f"{response.request.url}: vaicājuma rezultātus nevar nolasīt / answered with query results pyoxigraph cannot read: {exc}") from exc

    def _triples(self, response: httpx.Response) -> list[ox.Triple]:
        self._refuse_incomplete(response, self._dialect)
        fmt = ox.RdfFormat.from_media_type(response.headers.get("content-type", "")) or ox.RdfFormat.N_TRIPLES
        try:
            triples = [q.triple for q in ox.parse(response.content, format=fmt)]
        except (SyntaxError, ValueError) as exc:
            raise RegisterError(f"{response.request.url}: atbildes RDF nevar nolasīt / answered with RDF pyoxigraph cannot read: {exc}") from exc
        return _rewrite_triples(triples, self._dialect)

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every quad of ``graph``, or of all named graphs when None (a missing graph is empty)."""
        if graph is None:
            rows = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            return (ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows)
        g = ox.NamedNode(graph)  # refuses a malformed IRI before it reaches any query text
        if self._dialect.graphs_by_select:
            rows = self.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}")
            return (ox.Quad(r["s"], r["p"], r["o"], g) for r in rows)
        if self.graph_store:
            response = self._send("GET", self.graph_store, params={"graph": g.value}, headers={"Accept": self._dialect.graph_accept})
            if response.status_code == 404:  # the protocol's answer for a graph that does not exist
                return iter(())
            triples = iter(self._triples(self._check(response)))
        else:
            triples = iter(self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}"))
        return (ox.Quad(t.subject, t.predicate, t.object, g) for t in triples)

    def graphs(self) -> list[str]:
        """IRIs of the non-empty named graphs, sorted (not those an engine keeps for itself)."""
        return self._list_graphs(self._dialect)

    def count(self, graph: str | None = None) -> int:
        """Number of triples in ``graph``, or in all named graphs when None, counted by the server."""
        g = "?g" if graph is None else str(ox.NamedNode(graph))
        # COUNT(?s), not COUNT(*): Virtuoso 7.2 counts one row for COUNT(*) over a
        # graph outside the named dataset (one that does not exist).
        rows = list(self.query(f"SELECT (COUNT(?s) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}"))
        return int(rows[0]["n"].value) if rows else 0

    # -- writing -------------------------------------------------------------------

    def apply(self, changes: list[GraphChange]) -> None:
        """Make all ``changes`` in one SPARQL Update request.

        SPARQL 1.1 Update asks servers to apply a request atomically (Oxigraph,
        Fuseki and GraphDB do), so all or none of the changes land.

        Virtuoso 7 is the exception: it limits the size of a request, so a large
        write goes as several requests (:func:`update_requests`), sent in order,
        and it applies the operations of one request one after the other. A
        request it refuses changes nothing, but a failure half-way leaves the
        requests and operations before it done; ``changes`` are sent in their
        order, so a caller that lists last what records a write as complete
        (provenance) lets a retry see it as incomplete.

        Nothing is sent when there is nothing to change. Raises ValueError (and
        sends nothing) if a triple to remove has a blank node.
        """
        changes = list(changes)
        if not any(c.replace or c.add or c.remove for c in changes):
            update_text(changes)  # still refuses an invalid graph IRI or a blank node to remove
            return
        requests = update_requests(changes, self._dialect)
        try:
            for text in requests:
                self._post(self.update_endpoint, text, update=True)
        finally:
            if requests:
                self._dataset = None  # the graphs may have changed: learn them again before the next query
