"""The real SPARQL engines the remote-store tests run against, described alike.

``conftest.py`` starts each engine once per test session (fixtures
``oxigraph_endpoint`` and ``virtuoso_endpoint``) and the ``endpoint`` fixture
runs a test once per engine, on an emptied store.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from oxigraph_server import oxigraph_server
from virsis_graph.remote import RemoteStore
from virsis_graph.store import GraphChange
from virtuoso_server import virtuoso_server

ENGINES = ["oxigraph", "virtuoso"]


@dataclass(frozen=True)
class Endpoint:
    """One running engine: the URLs and credentials `virsis` is given for it."""

    engine: str
    query: str
    """The query endpoint (``--endpoint``)."""
    update: str
    """An update endpoint that needs no credentials."""
    graph_store: str
    """The Graph Store Protocol endpoint for reading graphs."""
    refuses_updates: str
    """A URL that answers an update with an error (4xx)."""
    auth_update: str = ""
    """An update endpoint that wants ``user`` and ``password`` (empty: the engine has none)."""
    user: str = ""
    password: str = ""

    def store(self, graph_store: bool = False) -> RemoteStore:
        """A store on this engine, updating through the endpoint that needs no credentials."""
        return RemoteStore(self.query, update_endpoint=self.update, graph_store=self.graph_store if graph_store else "", user="", password="")

    def empty(self) -> None:
        """Drop every graph the register can see (an engine's own graphs stay)."""
        with self.store() as s:
            s.apply([GraphChange(g, replace=True) for g in s.graphs()])
            assert s.graphs() == []

    def settings(self) -> dict[str, str]:
        """The settings a user sets for this engine: updates through the authenticated endpoint if there is one."""
        return {
            "VIRSIS_UPDATE_ENDPOINT": self.auth_update or self.update,
            "VIRSIS_GRAPH_STORE": self.graph_store,
            "VIRSIS_ENDPOINT_USER": self.user,
            "VIRSIS_ENDPOINT_PASSWORD": self.password,
        }


@contextmanager
def oxigraph_endpoint() -> Iterator[Endpoint]:
    """`oxigraph serve` (0.5): /query, /update, /store; no credentials."""
    with oxigraph_server() as url:
        yield Endpoint("oxigraph", f"{url}/query", f"{url}/update", f"{url}/store", refuses_updates=f"{url}/query")


@contextmanager
def virtuoso_endpoint() -> Iterator[Endpoint]:
    """Virtuoso 7: /sparql (updates granted to the public endpoint, as a test
    convenience), /sparql-auth with the dba's digest credentials, /sparql-graph-crud."""
    with virtuoso_server() as v:
        yield Endpoint(
            "virtuoso", v.sparql, v.sparql, v.graph_store,
            refuses_updates=v.graph_store,
            auth_update=v.sparql_auth, user=v.user, password=v.password,
        )
