"""Would a columnar engine validate a national register in seconds? A probe (issue 7).

    pip install duckdb                                         # not a dependency of virsis
    python benchmarks/columnar_probe.py --services 100000      # the register of the 10 s target
    python benchmarks/columnar_probe.py --store PATH

The compiled validator runs each check as a SPARQL query on pyoxigraph. At
100,000 services most of its 88 CPU-seconds go to checks that find nothing but
read every value of a predicate at a few microseconds a row. This probe
measures, in one run on the same register, what the same questions cost in
DuckDB (an in-process column store), and what getting the register there costs:

1. pyoxigraph's own N-Quads dump of the store (the cheapest way out of it);
2. DuckDB reading that file into one table of strings (subject, predicate,
   object, graph as N-Triples terms);
3. four checks of the product's shapes, each as the compiled validator's own
   query on pyoxigraph next to a hand-written SQL form of the same constraint
   over the same target classes (simplified: it reads the N-Triples text of
   terms, which is enough for these four), with the rows each found.

It prints figures side by side and asserts nothing. The SQL forms are not a
validator: they show the order of magnitude a columnar design could reach, and
that a copy made at validation time would not (step 1 alone).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_register import register_options  # noqa: E402
from query_benchmark import prepare  # noqa: E402

from virsis_graph.shacl.engine import plan, shapes_of  # noqa: E402
from virsis_graph.store import EmbeddedStore  # noqa: E402
from virsis_graph.validation import shapes_for  # noqa: E402

DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# (shape, constraint component) of the compiled check → the same question in SQL over
# the table q(s, p, o, g) of N-Triples terms; {targets} is the shape's target classes.
CHECKS = {
    ("RecordIdentifierShape", "DatatypeConstraintComponent"):
        f"""SELECT DISTINCT i.s FROM q i WHERE i.p = '<{DCT}identifier>'
            AND NOT (i.o SIMILAR TO '"(.|\\n)*"' OR i.o LIKE '"%"^^<{XSD_STRING}>')
            AND i.s IN (SELECT s FROM q WHERE p = '{RDF_TYPE}' AND o IN ({{targets}}))""",
    ("RecordIdentifierShape", "MinCountConstraintComponent"):
        f"""SELECT DISTINCT t.s FROM q t WHERE t.p = '{RDF_TYPE}' AND t.o IN ({{targets}})
            AND t.s NOT IN (SELECT s FROM q WHERE p = '<{DCT}identifier>')""",
    ("RecordDescriptionShape", "UniqueLangConstraintComponent"):
        f"""SELECT s, lang FROM (SELECT s, o, lower(regexp_extract(o, '"@([A-Za-z0-9-]+)$', 1)) AS lang
            FROM q WHERE p = '<{DCT}description>') WHERE lang <> ''
            AND s IN (SELECT s FROM q WHERE p = '{RDF_TYPE}' AND o IN ({{targets}}))
            GROUP BY s, lang HAVING count(DISTINCT o) > 1""",
    ("ChannelTypeShape", "MaxCountConstraintComponent"):
        f"""SELECT s FROM q WHERE p = '<{DCT}type>'
            AND s IN (SELECT s FROM q WHERE p = '{RDF_TYPE}' AND o IN ({{targets}}))
            GROUP BY s HAVING count(DISTINCT o) > 1""",
}


def local(node: object) -> str:
    return str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def timed(run, repeat: int = 3) -> tuple[float, int]:
    """The median seconds of ``repeat`` runs of ``run()`` and the rows of the last."""
    seconds, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = run()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    register_options(parser, store="an embedded store that already holds a register (instead of --services); only read")
    parser.add_argument("--repeat", metavar="N", type=int, default=3, help="runs of each check; the median is shown (default 3)")
    args = parser.parse_args(argv)
    try:
        import duckdb
    except ImportError:
        parser.error("this probe needs DuckDB, which virsis does not depend on: pip install duckdb")
    args.work.mkdir(parents=True, exist_ok=True)
    path = (args.store or prepare(args.work, args.services, args.seed)).resolve()
    store = EmbeddedStore(path)
    checks, _, _ = plan(shapes_of(shapes_for(())), store)
    chosen = {(local(c.shape.node), c.component): c for c in checks if (local(c.shape.node), c.component) in CHECKS}
    missing = set(CHECKS) - set(chosen)
    if missing:
        parser.error(f"the shapes no longer have these checks: {sorted(missing)}")

    with tempfile.TemporaryDirectory(dir=args.work) as scratch:
        dump = Path(scratch) / "register.nq"
        start = time.perf_counter()
        ox.Store.read_only(str(path)).dump(str(dump), format=ox.RdfFormat.N_QUADS)  # pyoxigraph's own, in Rust
        dump_s = time.perf_counter() - start
        con = duckdb.connect()
        start = time.perf_counter()
        # One line per quad: subject, predicate and graph are one token each; the object is the rest.
        con.execute(f"""CREATE TABLE q AS SELECT m.s AS s, m.p AS p, m.o AS o, m.g AS g FROM (
            SELECT regexp_extract(l, '^(\\S+) (\\S+) (.*) (\\S+) \\.$', ['s', 'p', 'o', 'g']) AS m
            FROM read_csv('{dump}', columns={{'l': 'VARCHAR'}}, delim='\\x1f', quote='', escape='', header=false, auto_detect=false))""")
        load_s = time.perf_counter() - start
        quads = con.execute("SELECT count(*) FROM q").fetchone()[0]

    print(f"register: {path}, {quads:,} quads")
    print(f"machine:  {platform.machine()}, Python {platform.python_version()}, pyoxigraph {ox.__version__}, duckdb {duckdb.__version__}\n")
    print(f"getting the register out of pyoxigraph (N-Quads dump): {dump_s:8.2f} s")
    print(f"DuckDB reading the dump into one table:                 {load_s:8.2f} s\n")
    print(f"{'check':62} {'pyoxigraph s':>13} {'rows':>6} {'DuckDB s':>9} {'rows':>6} {'ratio':>7}")
    print("-" * 108)
    total_ox = total_duck = 0.0
    for key, sql in CHECKS.items():
        check = chosen[key]
        targets = ", ".join(f"'{c}'" for c in sorted(f"<{c}>" for c in check.targets.classes))
        text = check.query(None, True)
        ox_s, ox_rows = timed(lambda text=text: len(list(store.query(text))), args.repeat)
        duck_s, duck_rows = timed(lambda sql=sql.format(targets=targets): len(con.execute(sql).fetchall()), args.repeat)
        total_ox, total_duck = total_ox + ox_s, total_duck + duck_s
        print(f"{key[0] + ' ' + key[1]:62} {ox_s:13.3f} {ox_rows:6} {duck_s:9.3f} {duck_rows:6} {ox_s / duck_s:6.1f}×")
    print(f"{'the four checks':62} {total_ox:13.3f} {'':6} {total_duck:9.3f} {'':6} {total_ox / total_duck:6.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
