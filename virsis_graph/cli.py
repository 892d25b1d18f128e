"""The ``virsis`` command line. Every command's help shows an example.

Texts a person reads are in Latvian first, then English. Every command that
reads or writes the register takes ``--store PATH`` or ``--endpoint URL`` the
same way (or ``VIRSIS_STORE`` / ``VIRSIS_ENDPOINT``).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Optional

import pyoxigraph as ox
import typer
from typer.core import TyperGroup

try:  # typer 0.2x carries its own copy of click, and raises its exceptions
    from typer._click import core as _click_core
    from typer._click import exceptions as _click
    from typer._click import formatting as _click_formatting
except ImportError:  # an older typer uses click's
    from click import core as _click_core  # type: ignore[no-redef]
    from click import exceptions as _click  # type: ignore[no-redef]
    from click import formatting as _click_formatting  # type: ignore[no-redef]
from rich.console import Console
from rich.measure import Measurement
from rich.progress import MofNCompleteColumn, Progress, TaskID
from rich.table import Table

from . import __version__
from . import ontology as model_checks
from .importing import MODEL_GRAPHS, drop_source, import_examples, import_files, initialise, provenance_graph, sources
from .stats import class_counts
from .store import RegisterError, Store, holds_store, open_store, store_location
from .plural import counted
from .summary import Row, summarise

# Click writes its own refusals (a missing argument, an unknown option) in English: each kind gets its Latvian lead.
_USAGE_ERRORS = (
    (_click.MissingParameter, "trūkst parametra"),
    (_click.NoSuchOption, "nav tādas opcijas"),
    (_click.BadOptionUsage, "opcija lietota nepareizi"),
    (_click.BadArgumentUsage, "arguments lietots nepareizi"),
    (_click.BadParameter, "nederīga vērtība"),
    (_click.UsageError, "nepareizs lietojums"),
    (_click.FileError, "failu nevar atvērt"),
    (_click.ClickException, "kļūda"),
)

# Click's and typer's own words in a command's help, each with its Latvian lead.
_HELP_HEADINGS = {"Options": "Opcijas / Options", "Arguments": "Argumenti / Arguments", "Commands": "Komandas / Commands"}
_HELP_TEXTS = {
    "Show this message and exit.": "Parāda šo palīdzību. / Show this message and exit.",
    "Install completion for the current shell.":
        "Uzstāda komandu papildināšanu šai čaulai. / Install completion for the current shell.",
    "Show completion for the current shell, to copy it or customize the installation.":
        "Parāda komandu papildināšanu šai čaulai, lai to nokopētu vai pielāgotu. / "
        "Show completion for the current shell, to copy it or customize the installation.",
}
_HELP_EXTRAS = (("[default: ", "[noklusējums / default: "), ("[required]", "[obligāts / required]"))


class _BilingualHelp(_click_formatting.HelpFormatter):
    """Writes a command's help with click's headings, usage line and its own options' texts Latvian first."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Lietojums / Usage: " if prefix is None else prefix)

    def section(self, name: str):  # type: ignore[override]
        return super().section(_HELP_HEADINGS.get(name, name))

    def write_dl(self, rows, *args, **kwargs) -> None:  # type: ignore[override]
        def bilingual(text: str) -> str:
            text = _HELP_TEXTS.get(text, text)
            for english, both in _HELP_EXTRAS:
                text = text.replace(english, both)
            return text

        super().write_dl([(term, bilingual(text)) for term, text in rows], *args, **kwargs)


class _HelpContext(_click_core.Context):
    formatter_class = _BilingualHelp


class _Bilingual(TyperGroup):
    """The ``virsis`` group: its help, its commands' help and its refusals of a command line are Latvian
    first, like the commands' own messages."""

    context_class = _HelpContext

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for command in self.commands.values():  # typer makes them: each takes its help's words from here
            command.context_class = _HelpContext

    def main(self, *args, standalone_mode: bool = True, **kwargs):  # type: ignore[override]
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            done = super().main(*args, standalone_mode=False, **kwargs)
        except _click.ClickException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # a group given no command: its help
                exc.show()
                sys.exit(exc.exit_code)
            ctx = getattr(exc, "ctx", None)
            if ctx is not None:
                typer.echo(ctx.get_usage(), err=True)
                typer.echo(f"Palīdzība / Help: {ctx.command_path} {ctx.help_option_names[0]}\n", err=True)
            lead = next(lv for kind, lv in _USAGE_ERRORS if isinstance(exc, kind))
            typer.echo(f"Kļūda / Error: {lead} / {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except _click.Abort:
            typer.echo("Pārtraukts / Aborted!", err=True)
            sys.exit(1)
        # Not standalone, click returns what stopped the command: typer.Exit's code, or the command's value.
        sys.exit(done if isinstance(done, int) else 0)

    def format_commands(self, ctx, formatter) -> None:
        """The commands with the first line of their help, both languages: click's own short help stops
        at the first full stop, which ends the Latvian half."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, (command.short_help or command.help or "").strip().split("\n", 1)[0]))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

app = typer.Typer(
    cls=_Bilingual,
    help=(
        "VIRSIS graph — dzīves situāciju, vajadzību, pakalpojumu un resursu reģistrs. / "
        "A registry of life situations, needs, services and resources.\n\n"
        "Piemērs / Example: virsis summary"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)
ontology_app = typer.Typer(
    cls=_Bilingual,
    help="Ontoloģija un kodu saraksti. / The ontology and its code lists.\n\nPiemērs / Example: virsis ontology check",
    no_args_is_help=True,
)
app.add_typer(ontology_app, name="ontology")
token_app = typer.Typer(
    cls=_Bilingual,
    help=(
        "Rakstīšanas pilnvaras (tokeni), katra vienai iestādei. / Write tokens, each scoped to one institution.\n\n"
        "Piemērs / Example: virsis token create --org vdaa --label 'VDAA registry clerk'"
    ),
    no_args_is_help=True,
)
app.add_typer(token_app, name="token")

console = Console()
err_console = Console(stderr=True)

MAX_LISTED = 50
"""At most this many errors or warnings are listed one by one; the rest are counted."""

STORE_HELP = "Iegultās krātuves mape / folder of the embedded store [env VIRSIS_STORE; default ./virsis-store]."
TOKENS_HELP = "Pilnvaru fails / file of the write tokens [env VIRSIS_TOKENS; default ./virsis-tokens.json]."
ENDPOINT_HELP = "Attāls SPARQL 1.1 galapunkts / remote SPARQL 1.1 endpoint URL [env VIRSIS_ENDPOINT]."


def _version(value: bool) -> None:
    if value:
        console.print(f"virsis-graph {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True,
        help="Parāda versiju. / Show the version and exit.",
    ),
) -> None:
    """VIRSIS graph."""


def _check_engine(engine: str) -> None:
    """Refuse an ``--engine`` that is not one of ``validation.ENGINES`` (``virsis import`` and ``virsis validate``)."""
    from .validation import ENGINES

    if engine not in ENGINES:
        raise one_of("--engine", engine, ENGINES)


def one_of(option: str, value: str, allowed: Iterable[str]) -> typer.Exit:
    """Refuse ``value`` of ``option``, naming the values it takes (the exit to raise)."""
    return fail(f"{option} {value!r}: izvēlieties kādu no / use one of: {', '.join(allowed)}")


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``message`` for a person and return the exit to raise."""
    err_console.print(f"Kļūda / Error: {message}", style="red", markup=False, highlight=False)
    return typer.Exit(code)


def cannot_write(path: Path, reason: str, reason_lv: str | None = None) -> typer.Exit:
    """Refuse an output ``path`` that cannot be written, and say why (the exit to raise)."""
    return fail(f"{path}: nevar ierakstīt ({reason_lv or reason}); norādiet failu esošā mapē / "
                f"cannot write ({reason}): name a file in a folder that exists")


def check_output(path: Optional[Path]) -> None:
    """Refuse, before any work, an output file in a folder that does not exist, or a folder given as the file."""
    if path is not None and (path.is_dir() or not path.parent.is_dir()):
        raise cannot_write(path, *(("it is a folder", "tā ir mape") if path.is_dir() else ("no such folder", "mapes nav")))


@contextmanager
def output_file(path: Path, binary: bool = False) -> Iterator:
    """``path`` opened for writing; a failure to open or write it is a message and exit code 2."""
    try:
        with path.open("wb" if binary else "w", encoding=None if binary else "utf-8") as f:
            yield f
    except OSError as exc:
        raise cannot_write(path, exc.strerror or str(exc)) from exc


@contextmanager
def opened(store: Optional[str], endpoint: Optional[str], create: bool = False) -> Iterator[Store]:
    """The store a command points at; register errors become a message and exit code 2.

    Only ``create`` makes a store where there is none (``init`` and ``import``): a mistyped ``--store``
    of any other command is an error, not an empty register.
    """
    try:
        with open_store(store, endpoint, create=create) as s:
            yield s
    except RegisterError as exc:
        raise fail(str(exc)) from exc


def show(table: Table) -> None:
    """Print a table with every value whole, never cut short with "…" (a graph's IRI, to copy into
    `virsis export --graph`): on a terminal a long value wraps in its column; piped or redirected,
    the table is as wide as its values."""
    if console.is_terminal:
        for column in table.columns:
            column.overflow = "fold"
        console.print(table)
    else:
        wide = Measurement.get(console, console.options.update_width(1_000_000), table).maximum
        Console(width=max(console.width, wide)).print(table)


def _table(title: str, rows: list[Row]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("latviski")
    table.add_column("in English")
    table.add_column("skaits / count", justify="right")
    for row in rows:
        table.add_row(row.lv, row.en, str(row.count))
    return table


@app.command()
def summary(
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", help=ENDPOINT_HELP),
) -> None:
    """Parāda reģistra kopsavilkumu. / Print a summary of a register.

    Bez --store vai --endpoint ielādē ontoloģiju, kodu sarakstus un ilustratīvo
    parauga reģistru (data/examples/) atmiņas krātuvē, katru failu savā
    nosauktajā grafā, un apkopo to.

    Without --store or --endpoint, loads the ontology, vocabularies and the
    illustrative example registry (data/examples/) into an in-memory store, each
    file into its own named graph, and summarises that.

    Piemērs / Example: virsis summary
    """
    if store is None and endpoint is None:
        store = ":memory:"
    with opened(store, endpoint) as s:
        try:
            if store == ":memory:":
                import_examples(s)
        except RegisterError as exc:
            raise fail(str(exc)) from exc
        result = summarise(s)
        show(_table("Reģistra ieraksti / Register records", result.records))
        show(_table("Pakalpojumi pēc veida / Services by kind", result.services))
        show(_table("Pakalpojumi pēc dzīves cikla posma / Services by lifecycle stage", result.stages))
        c = result.chain
        console.print(
            f"Vajadzības ar pakalpojumu / needs met by a service: {c['needsMet']} no/of {c['needs']}; "
            f"pakalpojumi, kas izmanto resursus / services using resources: {c['servicesUsingResources']}; "
            f"resursi ar atkarībām / resources with dependencies: {c['resourcesWithDependencies']}"
        )
        console.print(f"Trīskārši / triples: {result.triples}, grafi / graphs: {len(s.graphs())}")


@app.command()
def init(
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", help=ENDPOINT_HELP),
) -> None:
    """Ielādē ontoloģiju, kodu sarakstus un formas. / Load the ontology, vocabularies and shapes.

    Katrs nonāk savā nosauktajā grafā; palaista vēlreiz, komanda tos atjaunina
    turpat un neskar nevienu datu grafu. `virsis import` to palaiž pati jaunā
    krātuvē.

    Each goes into its own named graph; running it again upgrades them in place
    and touches no data graph. `virsis import` runs it by itself on a new store.

    Piemērs / Example: virsis init --store ./virsis-store
    """
    with opened(store, endpoint, create=True) as s:
        try:
            loaded = initialise(s)
        except RegisterError as exc:
            raise fail(str(exc)) from exc
        table = Table(title=f"Modelis ielādēts / Model loaded into {s.description}", title_justify="left")
        table.add_column("grafs / graph")
        table.add_column("trīskārši / triples", justify="right")
        for graph, n in loaded.items():
            table.add_row(graph, str(n))
        show(table)


@app.command("import")
def import_(
    files: list[Path] = typer.Argument(..., help="Faili / files: .csv, .xlsx, .json, .ttl, .nt, .nq, .trig, .jsonld, .rdf"),
    kind: Optional[str] = typer.Option(None, "--kind", help="Ierakstu veids / record kind: services, needs, life-situations, resources, organisations, people, roles (else from the file or sheet name, or the header)."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="XLSX lapa / the one sheet of a workbook to import."),
    graph: Optional[str] = typer.Option(None, "--graph", help="Grafa IRI / named graph for a single file (default {base}graph/source/{file name})."),
    delimiter: Optional[str] = typer.Option(None, "--delimiter", help="CSV atdalītājs / CSV delimiter (default: guessed from the header)."),
    keep_missing: bool = typer.Option(False, "--keep-missing", help="Nedzēš ierakstus, kuru vairs nav avotā / keep records that are no longer in the re-imported file."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Tikai parāda izmaiņas / show what would change and write nothing."),
    strict: bool = typer.Option(False, "--strict", help="Saites uz neko ir kļūdas / treat dangling links as errors."),
    no_validate: bool = typer.Option(False, "--no-validate", help="Nepārbauda ierakstus pret formām / import records even if they break registration rules."),
    engine: str = typer.Option("auto", "--engine", help="Pārbaudes dzinējs / engine validating the records in the embedded store: auto (compiled SPARQL, pyshacl for any shape it cannot compile), fast or pyshacl (--endpoint: pyshacl, before writing)."),
    agent: Optional[str] = typer.Option(None, "--agent", help="Kas importē / who imports, for the provenance (default: the login name)."),
    lang: str = typer.Option("lv", "--lang", help="Pārbaudes ziņojuma valoda / language of the validation report: lv or en."),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", help=ENDPOINT_HELP),
    site: Optional[str] = typer.Option(None, "--site", help="Vietne / import through a running site (`virsis serve` at this URL), which holds its store, with your institution's write token in VIRSIS_TOKEN."),
) -> None:
    """Importē ierakstus reģistrā. / Import records into the register.

    Katrs fails nonāk savā nosauktajā grafā ar savu izcelsmi. Fails ar jebkādu
    kļūdu neieraksta neko (izejas kods 2); nemainīta faila imports neko nemaina;
    mainīta rinda aizstāj savu ierakstu, un rinda, kas izņemta no atkārtoti
    importēta faila, dzēš ierakstu (ja vien nav --keep-missing). Importētos
    ierakstus vispirms pārbauda: reģistrācijas noteikumu pārkāpumi (Violation)
    importu atsaka (ja vien nav --no-validate), brīdinājumus (Warning) parāda.

    Each file lands in its own named graph with its provenance. A file with any
    error writes nothing (exit code 2); importing an unchanged file changes
    nothing; a changed row replaces that record, and a row removed from a
    re-imported file removes the record (unless --keep-missing). The imported
    records are validated first: Violations of the registration rules refuse the
    import (unless --no-validate), Warnings are reported.

    Ar --site URL faili nonāk caur darbojošos vietni (tās /import) iestādes
    grafos ar pilnvaru no VIRSIS_TOKEN; vietne tos pārbauda un publicē uzreiz.

    With --site URL the files go through a running site (its /import) into the
    institution's graphs, with the token in VIRSIS_TOKEN; the site validates
    and publishes them at once.

    Piemērs / Example: virsis import data/templates/services.csv --dry-run

    Piemērs / Example: VIRSIS_TOKEN=… virsis import services.csv --site https://registrs.example.lv
    """
    _check_engine(engine)
    if lang not in ("lv", "en"):
        raise one_of("--lang", lang, ("lv", "en"))
    if site is not None:
        given = [name for name, value in (("--store", store), ("--endpoint", endpoint), ("--graph", graph),
                                          ("--dry-run", dry_run), ("--strict", strict), ("--no-validate", no_validate),
                                          ("--agent", agent), ("--engine", engine != "auto")) if value]
        if given:
            raise fail(f"{', '.join(given)} nav lietojams ar --site: vietne pati izvēlas grafu, pārbauda un pieraksta, kas importē / "
                       f"{', '.join(given)} cannot be used with --site: the site names the graph, validates and records who imports")
        _import_through_site(site, files, kind=kind, sheet=sheet, delimiter=delimiter, keep_missing=keep_missing)
        return
    location = store_location(store, endpoint)
    if dry_run and location is not None and not holds_store(location.resolve()):
        store = ":memory:"  # no register yet: compared with an empty one, and no store is made there
    with opened(store, endpoint, create=True) as s:
        with Progress(*Progress.get_default_columns(), MofNCompleteColumn(), console=err_console, transient=True) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(what: str, done: int, total: int) -> None:
                # Called every 1000 rows, so only files of a few thousand rows show a bar.
                if what not in tasks:
                    tasks[what] = bar.add_task(f"Lasa / reading {what}", total=total)
                bar.update(tasks[what], completed=done)

            try:
                result = import_files(
                    s, files, kind=kind, sheet=sheet, graph=graph, delimiter=delimiter,
                    keep_missing=keep_missing, agent=agent, progress=progress,
                    dry_run=dry_run, strict=strict, validate=not no_validate, engine=engine,
                )
            except RegisterError as exc:
                raise fail(str(exc)) from exc
        for warning in result.warnings[:MAX_LISTED]:
            err_console.print(f"! {warning}", style="yellow", markup=False, highlight=False)
        if len(result.warnings) > MAX_LISTED:
            err_console.print(f"! … un vēl / and {len(result.warnings) - MAX_LISTED} more warnings", style="yellow")
        if result.report is not None and result.report.results:
            from .reports import chunks

            # Written as it is, like virsis validate's: rich wraps a text line by line, which took
            # more than ten minutes for the 120,000 results of a 10,000-service import.
            for chunk in chunks(result.report, "text", lang):
                sys.stderr.write(chunk)
            sys.stderr.flush()
        if result.errors:
            for error in result.errors[:MAX_LISTED]:
                err_console.print(f"✗ {error}", style="red", markup=False, highlight=False)
            if len(result.errors) > MAX_LISTED:
                err_console.print(f"✗ … un vēl / and {len(result.errors) - MAX_LISTED} more errors", style="red")
            n = len(result.errors)
            raise fail(f"{counted(n, 'lv', ('kļūda', 'kļūdas'), ('', ''))}, nekas netika ierakstīts / "
                       f"{counted(n, 'en', ('', ''), ('error', 'errors'))}, nothing was written")
        table = Table(title="Imports / Import" + (" (--dry-run)" if dry_run else ""), title_justify="left")
        _count_columns(table, "veids / kind")
        for name, c in sorted(result.counts.items()):
            table.add_row(name, *(str(getattr(c, field)) for field in COUNTED))
        show(table)
        if dry_run:
            console.print(f"Nekas netika ierakstīts / nothing written (would add {result.added}, remove {result.removed} triples).")
            return
        console.print(f"Ierakstīts / written: +{result.added} −{result.removed} trīskārši / triples in {s.description}.")


COUNTED = {"new": "jauni / new", "changed": "mainīti / changed", "unchanged": "bez izmaiņām / unchanged",
           "removed": "dzēsti / removed", "kept": "paturēti / kept"}
"""What an import did to the records of a kind (``importing.Counts``), and each column's heading."""


def _count_columns(table: Table, *leading: str) -> None:
    """An import's table: the ``leading`` columns (kind, file ...), then a column per :data:`COUNTED`."""
    for column in leading:
        table.add_column(column)
    for column in COUNTED.values():
        table.add_column(column, justify="right")


def _import_through_site(site: str, files: list[Path], **options) -> None:
    """``virsis import --site``: each file one write through the site's ``/import``; stops at the first refusal."""
    from . import site_client

    table = Table(title=f"Imports caur / Import through {site}", title_justify="left")
    _count_columns(table, "fails / file", "veids / kind")
    done: list[site_client.Imported] = []
    with site_client.client() as http:
        for path in files:
            try:
                imported = site_client.import_file(http, site, path, **options)
            except site_client.SiteError as exc:
                if done:
                    show(table)
                    err_console.print(f"Jau ierakstīti / already written: {', '.join(d.file for d in done)}", markup=False, highlight=False)
                raise fail(str(exc)) from exc
            done.append(imported)
            for warning in imported.warnings[:MAX_LISTED]:
                err_console.print(f"! {warning}", style="yellow", markup=False, highlight=False)
            for kind, c in sorted(imported.records.items()):
                table.add_row(imported.file, kind, *(str(c.get(field, 0)) for field in COUNTED))
    show(table)
    for d in done:
        console.print(f"{d.file}: +{d.added} −{d.removed} trīskārši / triples in {d.graph}", markup=False, highlight=False)


@app.command()
def graphs(
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", help=ENDPOINT_HELP),
) -> None:
    """Uzskaita nosauktos grafus un to izcelsmi. / List the named graphs and where they came from.

    Piemērs / Example: virsis graphs
    """
    with opened(store, endpoint) as s:
        provenance = {p.graph: p for p in sources(s)}
        table = Table(title=f"Grafi / Graphs in {s.description}", title_justify="left")
        for column in ("grafs / graph", "trīskārši / triples", "fails / file", "importēts / imported", "ieraksti / records"):
            table.add_column(column)
        for g in s.graphs():
            p = provenance.get(g)
            table.add_row(g, str(s.count(g)), p.file if p else "", p.time if p else "", str(p.records) if p else "")
        show(table)


@app.command("drop-graph")
def drop_graph(
    graph: str = typer.Argument(..., help="Grafa IRI / IRI of the named graph (see `virsis graphs`)."),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", help=ENDPOINT_HELP),
) -> None:
    """Dzēš vienu importu (grafu) un tā izcelsmi. / Remove one imported graph and its provenance.

    Piemērs / Example: virsis drop-graph https://data.virsis.gov.lv/graph/source/services.csv
    """
    with opened(store, endpoint) as s:
        if graph not in s.graphs():
            raise fail(f"{s.description} nav grafa {graph}; tos uzskaita `virsis graphs` / no graph {graph} in {s.description}: `virsis graphs` lists them")
        if graph in MODEL_GRAPHS or graph == provenance_graph():
            raise fail(f"{graph} ir modeļa vai izcelsmes daļa, to pārvalda `virsis init` / {graph} is part of the model or the provenance: `virsis init` manages it")
        removed = drop_source(s, graph)
        console.print(f"Dzēsts / removed {graph}: {removed} trīskārši / triples.")


EXPORT_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
                  "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "rdf": ox.RdfFormat.RDF_XML}


@app.command()
def export(
    fmt: str = typer.Option("trig", "--format", help="Formāts: ttl, nt, nq, trig, jsonld vai rdf (RDF/XML); grafu formāti apvieno visus grafus. / "
                     "ttl, nt, nq, trig, jsonld or rdf (RDF/XML). Graph formats merge all graphs."),
    graph: Optional[str] = typer.Option(None, "--graph", help="Tikai šis grafs / only this named graph."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Fails / file to write (default: standard output)."),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", help=ENDPOINT_HELP),
) -> None:
    """Eksportē reģistru RDF formātā. / Export the register as RDF.

    Piemērs / Example: virsis export --format nq -o register.nq
    """
    if fmt not in EXPORT_FORMATS:
        raise one_of("--format", fmt, EXPORT_FORMATS)
    check_output(output)
    with opened(store, endpoint) as s:
        if graph is not None and graph not in s.graphs():
            raise fail(f"{s.description} nav grafa {graph}; tos uzskaita `virsis graphs` / no graph {graph} in {s.description}: `virsis graphs` lists them")
        if output is None:
            s.dump(sys.stdout.buffer, EXPORT_FORMATS[fmt], graph)
            sys.stdout.buffer.flush()
        else:
            with output_file(output, binary=True) as f:
                s.dump(f, EXPORT_FORMATS[fmt], graph)
            err_console.print(f"Ierakstīts / written {output}")


def _shown(term: object) -> str:
    """A term as a table shows it: a record by kind and identifier, a known IRI by its prefix.

    Only the table shortens; csv, tsv and json keep full IRIs for other programs.
    """
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        from .namespaces import PREFIXES, VOCAB_BASE
        from .settings import base_iri

        records = base_iri() + "id/"
        if term.value.startswith(records):
            return term.value[len(records):]
        if term.value.startswith(VOCAB_BASE):
            return term.value[len(VOCAB_BASE):]
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and len(term.value) > len(namespace):
                return f"{prefix}:{term.value[len(namespace):]}"
    return term.value


QUERY_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON}


@app.command()
def query(
    source: Optional[str] = typer.Argument(None, metavar="NAME|FILE", help="Nosaukta vaicājuma vārds (virsis queries) vai .rq fails / a named query (see virsis queries) or a .rq file."),
    expression: Optional[str] = typer.Option(None, "-e", "--expression", help="Vaicājums / the query text itself."),
    param: list[str] = typer.Option([], "--param", "-p", help="Nosaukta vaicājuma parametrs / a named query's parameter, name=value (repeatable)."),
    fmt: str = typer.Option("table", "--format", help="Formāts: table, csv, tsv vai json (CONSTRUCT/DESCRIBE: Turtle). / "
                     "table, csv, tsv or json (CONSTRUCT/DESCRIBE: Turtle)."),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", help=ENDPOINT_HELP),
) -> None:
    """Izpilda SPARQL vaicājumu. / Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE).

    Bibliotēkas nosauktais vaicājums saņem parametrus ar --param; ieraksta
    parametrs ir ieraksta identifikators (kā importa veidnēs) vai pilns IRI.
    Failā .rq vai -e tekstā projekta prefiksi (virsis:, cpsv:, cv:, dct:, skos:,
    ...) jau ir deklarēti.

    A named query of the library takes its parameters with --param; a record
    parameter takes the record's identifier (as in the import templates) or a
    full IRI. In a .rq file or -e text the project's prefixes (virsis:, cpsv:,
    cv:, dct:, skos:, ...) are predeclared.

    Piemērs / Example: virsis query impact-of-resource --param resource=r-05 --format csv

    Piemērs / Example: virsis query -e 'SELECT ?s WHERE { ?s a virsis:Need } LIMIT 5'
    """
    from . import queries as library
    from .sparql import query_form
    from .store import prologue

    if (source is None) == (expression is None):
        raise fail("norādiet vienu: vaicājuma nosaukumu, vaicājuma failu vai -e 'VAICĀJUMS' / give a query name, a query file or -e 'QUERY', not both and not neither")
    if fmt not in ("table", *QUERY_FORMATS):
        raise one_of("--format", fmt, ("table", "csv", "tsv", "json"))
    named = None
    if source is not None and not Path(source).is_file():
        if source.endswith(".rq") and ("/" in source or "\\" in source):
            raise fail(f"{source}: fails nav atrasts / file not found")
        try:
            named = library.named(source)
        except library.QueryError as exc:
            raise fail(str(exc)) from exc
    elif param:
        raise fail("--param piesaista nosaukta vaicājuma parametrus (tos uzskaita `virsis queries`); savā vaicājumā ierakstiet vērtības tieši / "
                   "--param binds the parameters of a named query (`virsis queries` lists them); write the values into your own query")
    with opened(store, endpoint) as s:
        try:
            if named is not None:
                result = library.run(s, named, library.parse_assignments(param))
            else:
                text = Path(source).read_text(encoding="utf-8") if source is not None else expression
                try:
                    query_form(text)
                except ValueError as exc:  # an update, most likely
                    raise fail(f"{exc}. Reģistru maina `virsis import` un vietnes Graph Store / "
                               "the register is changed by `virsis import` and the site's Graph Store") from exc
                result = s.query(prologue() + text)
        except library.QueryError as exc:
            raise fail(str(exc)) from exc
        except SyntaxError as exc:
            from .sparql import explained

            why = explained(str(exc), text, prologue()) if named is None else str(exc)
            raise fail(f"vaicājums nav derīgs SPARQL / the query is not valid SPARQL: {why}") from exc
        except RegisterError as exc:
            raise fail(str(exc)) from exc
        if isinstance(result, ox.QueryBoolean):
            console.print("true" if bool(result) else "false")
        elif isinstance(result, ox.QuerySolutions) and fmt == "table":
            names = [v.value for v in result.variables]
            table = Table(*names, title=f"{named.title_lv} / {named.title_en}" if named else None, title_justify="left")
            count = 0
            for row in result:
                table.add_row(*(_shown(row[n]) for n in names))
                count += 1
            show(table)
            err_console.print(f"{count} rindas / rows")
        elif isinstance(result, ox.QuerySolutions):
            sys.stdout.buffer.write(result.serialize(format=QUERY_FORMATS[fmt]))
        else:
            ox.serialize(result, sys.stdout.buffer, ox.RdfFormat.TURTLE)
        sys.stdout.flush()


@app.command("queries")
def queries_(
    fmt: str = typer.Option("table", "--format", help="Formāts: table vai json. / table or json."),
) -> None:
    """Nosauktie vaicājumi ar parametriem. / List the named queries with their parameters.

    Katrs ir .rq fails mapē queries/, ko bez izmaiņām izpilda jebkurš SPARQL 1.1
    dzinējs; izpildiet to ar virsis query NOSAUKUMS --param nosaukums=vērtība.

    Each is a .rq file in queries/ that any SPARQL 1.1 engine runs unchanged;
    run one with virsis query NAME --param name=value.

    Piemērs / Example: virsis queries
    """
    import json

    from . import queries as library

    try:
        named = library.library()
    except library.QueryError as exc:
        raise fail(str(exc)) from exc
    if fmt == "json":
        data = [
            {"name": q.name, "title_lv": q.title_lv, "title_en": q.title_en, "description_lv": q.description_lv,
             "description_en": q.description_en, "file": q.path.name, "columns": q.columns,
             "params": [vars(p) for p in q.params]}
            for q in named.values()
        ]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt != "table":
        raise one_of("--format", fmt, ("table", "json"))
    table = Table("vaicājums / query", "nosaukums / title", "parametri / parameters", title="Nosauktie vaicājumi / Named queries", title_justify="left", show_lines=True)
    for q in named.values():
        params = "\n".join(f"{p.name} ({p.type}{'=' + p.default if p.default else ''}): {p.description_lv} / {p.description_en}" for p in q.params)
        table.add_row(q.name, f"{q.title_lv}\n{q.title_en}", params)
    show(table)


@app.command()
def serve(
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", help=ENDPOINT_HELP),
    examples: bool = typer.Option(False, "--examples", help="Pasniedz ilustratīvo piemēru reģistru (atmiņā) / serve the illustrative example registry, in memory."),
    host: str = typer.Option("127.0.0.1", "--host", help="Adrese / address to listen on."),
    port: int = typer.Option(8000, "--port", help="Ports / port to listen on."),
    query_timeout: float = typer.Option(30.0, "--query-timeout", help="SPARQL: sekundes vienam vaicājumam / seconds a query may run before it is stopped."),
    max_rows: int = typer.Option(100_000, "--max-rows", help="SPARQL: lielākais rindu skaits atbildē / most rows (or triples) an answer may have."),
    workers: int = typer.Option(2, "--workers", help="SPARQL: vaicājumi vienlaikus / queries running at once (one process each)."),
    read_only: bool = typer.Option(False, "--read-only", help="Bez rakstīšanas maršrutiem / no write routes at all."),
    tokens: Optional[str] = typer.Option(None, "--tokens", help=TOKENS_HELP),
) -> None:
    """Pasniedz reģistru tīmeklī. / Serve the register on the web as linked open data.

    Katrs ieraksts atbild adresē /id/{kind}/{identifier} kā HTML, Turtle,
    JSON-LD, N-Triples un RDF/XML (pēc Accept vai paplašinājuma .html .ttl
    .jsonld .nt .rdf), bez personas datiem; /sparql ir SPARQL 1.1 galapunkts
    publiskajiem datiem ar laika limitu, kas vaicājumu aptur, rindu griestiem un
    robežu vienlaicīgiem vaicājumiem; /catalog, /.well-known/void un /dumps/ tos
    publicē portāliem; /graph-store pieņem iestādes pašas grafus ar tās pilnvaru
    (ne ar --read-only).

    Every record answers at /id/{kind}/{identifier} in HTML, Turtle, JSON-LD,
    N-Triples and RDF/XML (by Accept, or .html .ttl .jsonld .nt .rdf), without
    personal data; /sparql is a SPARQL 1.1 endpoint over the public data, with
    a time limit that stops the query, a row cap and a bound on queries at once;
    /catalog, /.well-known/void and /dumps/ publish it for portals;
    /graph-store takes an institution's own graphs with its token (not with
    --read-only).

    Piemērs / Example: virsis serve --examples --port 8000
    """
    import uvicorn

    from .web.app import create_app

    if examples and (store or endpoint):
        raise fail("--examples rāda parauga reģistru: norādiet to bez --store un --endpoint / --examples serves the example registry: give it without --store or --endpoint")
    with opened(":memory:" if examples else store, endpoint) as s:
        try:
            if examples:
                import_examples(s)
            web = create_app(s, query_limits={"timeout": query_timeout, "max_rows": max_rows, "workers": workers}, read_only=read_only, tokens_file=tokens)
            err_console.print("SPARQL: publiskās kopijas veidošana / making the public mirror ...")
            web.state.query_pool()  # before listening, so that the first query does not wait for it
        except RegisterError as exc:
            raise fail(str(exc)) from exc
        err_console.print(f"VIRSIS: http://{host}:{port}/ ({s.description})")
        uvicorn.run(web, host=host, port=port, log_level="warning")


CHAIN_FORMATS = ("tree", "json", "dot", "mermaid")
CHAIN_FORMAT = typer.Option("tree", "--format", help="Formāts: tree, json, dot (Graphviz) vai mermaid. / tree, json, dot (Graphviz) or mermaid.")
TITLE_LANG = typer.Option("lv", "--lang", help="Nosaukumu valoda / language of the titles: lv or en.")


def _show_chain(build, fmt: str, lang: str, store: Optional[str], endpoint: Optional[str]) -> None:
    """Build a chain with ``build(store)`` and print it in ``fmt``; bad options exit with code 2."""
    from .queries import QueryError

    if lang not in ("lv", "en"):
        raise one_of("--lang", lang, ("lv", "en"))
    if fmt not in CHAIN_FORMATS:
        raise one_of("--format", fmt, CHAIN_FORMATS)
    with opened(store, endpoint) as s:
        try:
            chain = build(s)
        except QueryError as exc:
            raise fail(str(exc)) from exc
    if fmt == "tree":
        console.print(chain.tree())
    else:
        text = {"json": chain.as_json, "dot": chain.as_dot, "mermaid": chain.as_mermaid}[fmt]()
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


@app.command()
def trace(
    kind: str = typer.Argument(..., metavar="KIND", help="Sākuma ieraksta veids: life-situation, need vai service. / life-situation, need or service."),
    identifier: str = typer.Argument(..., metavar="ID", help="Ieraksta identifikators vai IRI / the record's identifier or IRI."),
    fmt: str = CHAIN_FORMAT,
    lang: str = TITLE_LANG,
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", help=ENDPOINT_HELP),
) -> None:
    """Izseko ķēdi uz leju. / Trace a chain down: life situation → needs → services → resources.

    Vajadzība ved uz saviem pakalpojumiem un to resursiem; pakalpojums — uz
    katru resursu un pakalpojumu, no kura tas atkarīgs. Veidots no nosauktajiem
    vaicājumiem trace-life-situation, trace-need un service-dependencies.

    A need traces to its services and their resources; a service to every
    resource and service it depends on. Built from the named queries
    trace-life-situation, trace-need and service-dependencies.

    Piemērs / Example: virsis trace life-situation ls-01 --format mermaid
    """
    from . import trace as chains

    kind = kind.replace("_", "-").removesuffix("s")  # services, life_situations ...
    _show_chain(lambda s: chains.trace(s, kind, identifier, lang), fmt, lang, store, endpoint)


@app.command()
def impact(
    resource: str = typer.Argument(..., metavar="RESOURCE_ID", help="Resursa identifikators vai IRI / the resource's identifier or IRI."),
    fmt: str = CHAIN_FORMAT,
    lang: str = TITLE_LANG,
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", help=ENDPOINT_HELP),
) -> None:
    """Kas sabojājas, ja resurss nedarbojas? / What breaks when a resource fails?

    No tā (tranzitīvi) atkarīgie resursi, pakalpojumi, kas tos izmanto, un
    pakalpojumi, kam šie nepieciešami, vajadzības, ko tie apmierina, dzīves
    situācijas un saņēmēji. Veidots no nosauktā vaicājuma impact-of-resource.

    The resources depending on it (transitively), the services using those and
    the services requiring these, the needs they meet, the life situations and
    the recipients. Built from the named query impact-of-resource.

    Piemērs / Example: virsis impact r-05 --format dot | dot -Tsvg > r-05.svg
    """
    from . import trace as chains

    _show_chain(lambda s: chains.impact(s, resource, lang), fmt, lang, store, endpoint)


@app.command()
def stats(
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", help=ENDPOINT_HELP),
) -> None:
    """Skaiti pa klasēm un grafiem. / Counts per class and per named graph.

    Piemērs / Example: virsis stats --store ./virsis-store
    """
    with opened(store, endpoint) as s:
        table = Table(title=f"Klases / Classes in {s.description}", title_justify="left")
        for column in ("klase / class", "latviski", "in English", "skaits / count"):
            table.add_column(column, justify="right" if column.startswith("skaits") else "left")
        for row in class_counts(s):
            table.add_row(row["class"], row["lv"] or "", row["en"] or "", str(row["n"]))
        show(table)
        graphs_table = Table(title="Grafi / Graphs", title_justify="left")
        graphs_table.add_column("grafs / graph")
        graphs_table.add_column("trīskārši / triples", justify="right")
        for g in s.graphs():
            graphs_table.add_row(g, str(s.count(g)))
        show(graphs_table)


@app.command()
def validate(
    files: Optional[list[Path]] = typer.Argument(None, help="Faili / files in any format `virsis import` reads; none: the whole store."),
    fmt: str = typer.Option("text", "--format", help="Formāts: text, json, junit, sarif vai ttl (standarta SHACL pārbaudes ziņojums). / "
                     "text, json, junit, sarif or ttl (the standard SHACL validation report)."),
    fail_on: str = typer.Option("violation", "--fail-on", help="violation, warning vai info: vismazāk nopietnais rezultāts, kas neiztur (izejas kods 1). / "
                     "violation, warning or info: the least severe result that fails (exit 1)."),
    condition: list[int] = typer.Option([], "--condition", min=1, max=10, help="Tikai šis nosacījums / only shapes of this quality condition (1–10); repeatable."),
    lang: str = typer.Option("lv", "--lang", help="lv vai en: ziņojumu valoda. / lv or en: the language of messages."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Fails / file to write the report to (default: standard output)."),
    kind: Optional[str] = typer.Option(None, "--kind", help="Ierakstu veids / record kind of tabular files, as for `virsis import`."),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", help=ENDPOINT_HELP),
    engine: str = typer.Option("auto", "--engine", help="Dzinējs / engine for the whole store: auto (compiled SPARQL, pyshacl for any shape it cannot compile), fast (compiled only) or pyshacl."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Pavedieni / threads running the compiled checks side by side on the embedded store (default: every CPU, up to 8)."),
) -> None:
    """Pārbauda aprakstus pret reģistrācijas un kvalitātes nosacījumiem. / Validate descriptions.

    Ar failiem: pārbauda tos bez krātuves (CI gadījums, ar pyshacl). Bez tiem:
    pārbauda visu reģistru, pēc noklusējuma ar kompilēto dzinēju (formas kā
    SPARQL vaicājumi krātuvē; tie paši rezultāti, ko dod pyshacl). Izejas kods
    0, ja reģistrs atbilst --fail-on līmenī, 1, ja neatbilst, 2 — nederīgai
    ievadei vai lietojumam.

    With files: validates them without a store (the CI case, with pyshacl).
    Without: validates the whole register, by default with the compiled engine
    (the shapes as SPARQL queries on the store; same results as pyshacl). Exit
    code 0 when it conforms at the --fail-on level, 1 when it does not, 2 for
    bad input or usage.

    Piemērs / Example: virsis validate services.csv --format junit -o report.xml
    """
    from .reports import FORMATS, chunks
    from .validation import SEVERITIES, validate_files, validate_store

    _check_engine(engine)
    if fmt not in FORMATS:
        raise one_of("--format", fmt, FORMATS)
    if fail_on not in SEVERITIES:
        raise one_of("--fail-on", fail_on, ("violation", "warning", "info"))
    if lang not in ("lv", "en"):
        raise one_of("--lang", lang, ("lv", "en"))
    check_output(output)
    try:
        if files:
            report = validate_files(files, condition, kind=kind)
        else:
            with open_store(store, endpoint, create=False) as s:
                report = validate_store(s, condition, engine=engine, workers=workers)
    except RegisterError as exc:
        raise fail(str(exc)) from exc
    for shape, why in report.fallback.items():
        err_console.print(f"pyshacl pārbaudīja / validated {shape}: {'; '.join(why)}", markup=False, highlight=False)
    if output is None:
        for chunk in chunks(report, fmt, lang, fail_on):
            sys.stdout.write(chunk)
        sys.stdout.flush()
    else:
        with output_file(output) as f:
            f.writelines(chunks(report, fmt, lang, fail_on))
        err_console.print(f"{report.summary()} — ierakstīts / written {output}", markup=False, highlight=False)
    if not report.conforms(fail_on):
        raise typer.Exit(1)


@app.command()
def quality(
    files: Optional[list[Path]] = typer.Argument(None, help="Faili / files or folders to assess; none: the whole store."),
    fmt: str = typer.Option("table", "--format", help="Formāts: table, csv vai json. / table, csv or json."),
    lang: str = typer.Option("lv", "--lang", help="lv vai en: valoda. / lv or en: the language."),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", help=ENDPOINT_HELP),
) -> None:
    """Kvalitātes novērtējums pa pakalpojumiem un nosacījumiem. / The quality scorecard.

    Katram pakalpojumam un katram no desmit nosacījumiem: cik daļu nosacījuma
    pārbaužu tas iztur, un tā pārkāpumi un brīdinājumi; tad tas pats kopā katrai
    iestādei un visam reģistram.

    For every service and each of the ten conditions: the share of the
    condition's checks it passes, and its violations and warnings; then the same
    pooled per institution and for the whole register.

    Piemērs / Example: virsis quality --store ./virsis-store --format csv
    """
    from .quality import CONDITIONS, FORMATS, condition_labels, scorecard, serialised, store_scorecard
    from .validation import all_shapes, files_graph, validate_graph

    if fmt not in ("table", *FORMATS):
        raise one_of("--format", fmt, ("table", *FORMATS))
    if lang not in ("lv", "en"):
        raise one_of("--lang", lang, ("lv", "en"))
    try:
        if files:
            data, where = files_graph(files)
            shapes = all_shapes()
            card = scorecard(validate_graph(data, shapes, where), data, shapes, lang)
        else:
            with open_store(store, endpoint, create=False) as s:
                card = store_scorecard(s, lang)
    except RegisterError as exc:
        raise fail(str(exc)) from exc
    if fmt in FORMATS:
        sys.stdout.write(serialised(card, fmt))
        return
    names = condition_labels(lang)
    for title, lines in (("Pakalpojumi / Services", card.services), ("Iestādes / Institutions", card.institutions), ("Reģistrs / Register", [card.register])):
        table = Table(title=title, title_justify="left")
        table.add_column("")
        for c in CONDITIONS:
            table.add_column(str(c), justify="right")
        for line in lines:
            cells = []
            for c in CONDITIONS:
                cell = line.cells[c]
                mark = ("✗" * bool(cell.violations)) + ("!" * bool(cell.warnings))
                cells.append("—" if cell.score is None else f"{cell.score:.0%}{mark}")
            table.add_row(f"{line.key} {line.label}" if line.label != line.key else line.key, *cells)
        show(table)
    console.print("  ".join(f"{c} {names.get(c, '')}" for c in CONDITIONS), highlight=False)
    console.print("✗ pārkāpumi / violations, ! brīdinājumi / warnings, — nav pārbaužu / no checks apply", highlight=False)


@app.command()
def templates(
    output: Path = typer.Option(Path("data/templates"), "-o", "--output", help="Mape / folder to write the templates into."),
) -> None:
    """Izveido importa veidnes un to aprakstu. / Write the import templates and their README.

    Viens CSV fails katram ierakstu veidam (virsraksts un parauga rinda) un
    README.md, kas apraksta katru kolonnu, veidoti no importētāja paša
    definīcijām.

    One CSV file per record kind (header and an example row) and a README.md
    documenting every column, generated from the importer's own definitions.

    Piemērs / Example: virsis templates -o data/templates
    """
    from .templates import write_templates

    try:
        written = write_templates(output)
    except OSError as exc:
        raise cannot_write(Path(exc.filename or output), exc.strerror or str(exc)) from exc
    for path in written:
        console.print(f"Ierakstīts / written {path}")


def _token_file(path: Optional[str]):
    from .settings import TOKENS_FILE
    from .tokens import TokenFile

    return TokenFile(path or TOKENS_FILE.value())


@token_app.command("create")
def token_create(
    org: str = typer.Option(..., "--org", help="Iestādes identifikators vai IRI / the institution's identifier (as in the templates) or IRI."),
    label: str = typer.Option("", "--label", help="Kam tā / what the token is for, e.g. who holds it."),
    tokens: Optional[str] = typer.Option(None, "--tokens", help=TOKENS_HELP),
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", help=ENDPOINT_HELP),
) -> None:
    """Izveido rakstīšanas pilnvaru iestādei. / Create a write token for one institution.

    Noslēpumu parāda vienreiz standarta izvadē un nekur neglabā: glabājiet to
    drošā vietā. Iestādei jābūt reģistrā.

    The secret is printed once, on standard output, and never stored: keep it
    safe. The institution must be in the register.

    Piemērs / Example: virsis token create --org vdaa --label 'VDAA registry clerk'
    """
    from .queries import QueryError, missing, record_iri
    from .tokens import TokenError

    with opened(store, endpoint) as s:
        try:
            iri = record_iri("organisation", org, f"--org {org}")
        except QueryError as exc:
            raise fail(str(exc)) from exc
        if iri not in s.existing([iri]):
            raise fail(missing("organisation", org, iri) + "; vispirms importējiet to / import it first")
    try:
        token, secret = _token_file(tokens).create(iri.value, label)
    except (TokenError, OSError) as exc:
        raise fail(str(exc)) from exc
    err_console.print(f"Pilnvara / token {token.id} for {iri.value}; saglabājiet to, tā netiks rādīta vēlreiz / keep it safe, it is not shown again:")
    sys.stdout.write(secret + "\n")


@token_app.command("list")
def token_list(
    tokens: Optional[str] = typer.Option(None, "--tokens", help=TOKENS_HELP),
) -> None:
    """Parāda pilnvaras (bez noslēpumiem). / List the tokens (never their secrets).

    Piemērs / Example: virsis token list
    """
    from .tokens import TokenError

    try:
        found = _token_file(tokens).tokens()
    except TokenError as exc:
        raise fail(str(exc)) from exc
    table = Table("id", "iestāde / institution", "apraksts / label", "izveidota / created", "atsaukta / revoked", title="Pilnvaras / Tokens", title_justify="left")
    for t in found:
        table.add_row(t.id, _shown(ox.NamedNode(t.organisation)), t.label, t.created, t.revoked or "")
    show(table)


@token_app.command("revoke")
def token_revoke(
    token_id: str = typer.Argument(..., metavar="ID", help="Pilnvaras id / the token's id (virsis token list)."),
    tokens: Optional[str] = typer.Option(None, "--tokens", help=TOKENS_HELP),
) -> None:
    """Atsauc pilnvaru. / Revoke a token: it stops working at once.

    Piemērs / Example: virsis token revoke t-1a2b3c4d
    """
    from .tokens import TokenError

    try:
        token = _token_file(tokens).revoke(token_id)
    except (TokenError, OSError) as exc:
        raise fail(str(exc)) from exc
    console.print(f"atsaukta / revoked: {token.id} ({token.revoked})")


@ontology_app.command("check")
def ontology_check(
    examples: bool = typer.Option(
        True, "--examples/--no-examples",
        help="Pārbauda arī parauga reģistru. / Check the example registry too.",
    ),
    reasoning: bool = typer.Option(
        True, "--reasoning/--no-reasoning",
        help="Izpilda OWL 2 RL konsekvences pārbaudi. / Run the OWL 2 RL consistency check.",
    ),
) -> None:
    """Pārbauda ontoloģiju, kodu sarakstus un piemērus. / Check the ontology, vocabularies and examples.

    Parsē katru failu; pārbauda, vai kodu saraksti aptver katru avota numurēto
    punktu, vai katram terminam ir latviskas un angliskas etiķetes un
    definīcijas, vai dati lieto tikai deklarētus terminus un vai OWL 2 RL
    slēgums ir konsekvents. Parāda skaitus; izejas kods 0, ja viss iztur, 1
    citādi.

    Parses every file, checks that the code lists cover every numbered item of
    the source, that every term has Latvian and English labels and definitions,
    that the data uses only declared terms, and that the OWL 2 RL closure is
    consistent. Prints the counts; exit code 0 when all pass, 1 otherwise.

    Piemērs / Example: virsis ontology check --no-reasoning
    """
    with console.status("Pārbauda… / Checking…"):
        report = model_checks.check(examples=examples, reason=reasoning)
    table = Table(title="Modelis / Model", title_justify="left")
    table.add_column("kas / what")
    table.add_column("skaits / count", justify="right")
    for name, count in report.counts.items():
        table.add_row(name, str(count))
    show(table)
    if report.ok:
        console.print("[green]Pārbaude izdevās. / All checks passed.[/green]")
        return
    for problem in report.problems:
        err_console.print(f"✗ {problem}", style="red", markup=False, highlight=False)
    err_console.print(f"[red]{len(report.problems)} problēmas / problems.[/red]")
    raise typer.Exit(1)
