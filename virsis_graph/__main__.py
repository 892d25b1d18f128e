"""``python -m virsis_graph`` runs the ``virsis`` command."""

from .cli import app

app(prog_name="virsis")
