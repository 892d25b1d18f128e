"""VIRSIS graph: a knowledge-graph registry of life situations, needs, services and resources."""

__version__ = "0.1.0"
