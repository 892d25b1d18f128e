"""The ``virsis`` command line. Every command's help shows an example.

Texts a person reads are in Latvian first, then English.
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from . import ontology as model_checks
from .store import RegisterError, Store, load_examples, load_model
from .summary import Row, summarise

app = typer.Typer(
    help=(
        "VIRSIS graph — dzīves situāciju, vajadzību, pakalpojumu un resursu reģistrs. / "
        "A registry of life situations, needs, services and resources.\n\n"
        "Example: virsis summary"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)
ontology_app = typer.Typer(
    help="Ontoloģija un kodu saraksti. / The ontology and its code lists.\n\nExample: virsis ontology check",
    no_args_is_help=True,
)
app.add_typer(ontology_app, name="ontology")

console = Console()
err_console = Console(stderr=True)


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


def _table(title: str, rows: list[Row]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("latviski")
    table.add_column("in English")
    table.add_column("skaits / count", justify="right")
    for row in rows:
        table.add_row(row.lv, row.en, str(row.count))
    return table


@app.command()
def summary() -> None:
    """Ielādē parauga reģistru un parāda tā kopsavilkumu. / Load the example registry and print its summary.

    The ontology, vocabularies and the illustrative example registry
    (data/examples/) are loaded into an in-memory store, each file into its own
    named graph; records are minted under VIRSIS_BASE.

    Example: virsis summary
    """
    store = Store()
    try:
        model_triples = load_model(store)
        example_triples = load_examples(store)
    except RegisterError as exc:
        err_console.print(f"Kļūda / Error: {exc}", style="red", markup=False, highlight=False)
        raise typer.Exit(2) from exc
    result = summarise(store)
    console.print(_table("Reģistra ieraksti / Register records", result.records))
    console.print(_table("Pakalpojumi pēc veida / Services by kind", result.services))
    console.print(_table("Pakalpojumi pēc dzīves cikla posma / Services by lifecycle stage", result.stages))
    c = result.chain
    console.print(
        f"Vajadzības ar pakalpojumu / needs met by a service: {c['needsMet']} no/of {c['needs']}; "
        f"pakalpojumi, kas izmanto resursus / services using resources: {c['servicesUsingResources']}; "
        f"resursi ar atkarībām / resources with dependencies: {c['resourcesWithDependencies']}"
    )
    console.print(
        f"Trīskārši / triples: {result.triples} "
        f"(modelis / model {model_triples}, piemēri / examples {example_triples}), "
        f"grafi / graphs: {len(store.graphs())}"
    )


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

    Parses every file, checks that the code lists cover every numbered item of
    the source, that every term has Latvian and English labels and definitions,
    that the data uses only declared terms, and that the OWL 2 RL closure is
    consistent. Prints the counts; exit code 0 when all pass, 1 otherwise.

    Example: virsis ontology check --no-reasoning
    """
    with console.status("Pārbauda… / Checking…"):
        report = model_checks.check(examples=examples, reason=reasoning)
    table = Table(title="Modelis / Model", title_justify="left")
    table.add_column("kas / what")
    table.add_column("skaits / count", justify="right")
    for name, count in report.counts.items():
        table.add_row(name, str(count))
    console.print(table)
    if report.ok:
        console.print("[green]Pārbaude izdevās. / All checks passed.[/green]")
        return
    for problem in report.problems:
        err_console.print(f"✗ {problem}", style="red", markup=False, highlight=False)
    err_console.print(f"[red]{len(report.problems)} problēmas / problems.[/red]")
    raise typer.Exit(1)
