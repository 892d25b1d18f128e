"""Conditions on a node, written two ways: per node, and for a whole set of rows at once.

A compiled constraint is a small tree of conditions (:class:`Expr`,
:class:`Exists`, :class:`All`, :class:`Any`, :class:`Not`). Each can be written

- as a SPARQL boolean expression (:meth:`Condition.expression`), evaluated row
  by row (``FILTER``, ``EXISTS``): right for a few focus nodes, and the only way
  inside nested shapes;
- as group patterns that keep the rows of a group where it fails
  (:meth:`Condition.failing`) or holds (:meth:`Condition.holding`), built from
  joins, ``MINUS`` and ``UNION``: oxigraph computes each pattern once and joins
  it by hashing, so a check over the whole register does not run an ``EXISTS``
  per focus node. ``EXISTS {P}`` fails where ``MINUS {P}`` keeps the row;
  ``or`` fails where each part fails in turn; ``and`` fails where any part does.

Every expression is total: an evaluation error would drop a row from a
``FILTER`` and hide a violation, so the compiler wraps what can fail in
``COALESCE(..., false)``.
"""

from __future__ import annotations

from dataclasses import dataclass


class Condition:
    """A boolean condition on the variables of a row."""

    def expression(self) -> str:
        """The condition as a SPARQL expression."""
        raise NotImplementedError

    def failing(self, rows: str) -> str:
        """A group pattern: the solutions of the group pattern ``rows`` for which the condition is false."""
        return f"{{ {rows} }} FILTER(!{self.expression()})"

    def holding(self, rows: str) -> str:
        """A group pattern: the solutions of ``rows`` for which the condition is true (some may repeat)."""
        return f"{{ {rows} }} FILTER({self.expression()})"


@dataclass(frozen=True)
class Expr(Condition):
    """A plain expression (no EXISTS to turn into a join)."""

    text: str

    def expression(self) -> str:
        return self.text


TRUE = Expr("true")


@dataclass(frozen=True)
class Exists(Condition):
    """``EXISTS { pattern }`` (or ``NOT EXISTS`` when ``negated``).

    ``set_pattern`` is the same condition as a pattern that can run on its own
    over the whole store (binding the variables the rows share with it), or
    None when that would be too large to compute (a zero-length path, a
    closed shape's every triple): then the rows are filtered one by one.
    """

    pattern: str
    set_pattern: str | None = None
    negated: bool = False

    def expression(self) -> str:
        return f"{'NOT ' if self.negated else ''}EXISTS {{ {self.pattern} }}"

    def _kept(self, rows: str) -> str:
        if self.set_pattern is None:
            return f"{{ {rows} }} FILTER EXISTS {{ {self.pattern} }}"
        return f"{{ {rows} }} {self.set_pattern}"

    def _dropped(self, rows: str) -> str:
        if self.set_pattern is None:
            return f"{{ {rows} }} FILTER NOT EXISTS {{ {self.pattern} }}"
        return f"{{ {rows} }} MINUS {{ {self.set_pattern} }}"

    def failing(self, rows: str) -> str:
        return self._kept(rows) if self.negated else self._dropped(rows)

    def holding(self, rows: str) -> str:
        return self._dropped(rows) if self.negated else self._kept(rows)


@dataclass(frozen=True)
class All(Condition):
    """Every part holds."""

    parts: tuple[Condition, ...]

    def expression(self) -> str:
        return "(" + " && ".join(p.expression() for p in self.parts) + ")" if self.parts else "true"

    def failing(self, rows: str) -> str:
        plain, other = _split(self.parts)
        branches = [Expr("(" + " && ".join(p.text for p in plain) + ")").failing(rows)] if plain else []
        # Patterns that must not occur are each joined with the rows: one join with their UNION is the
        # same (a join distributes over a union) and computes the rows once, not once per pattern.
        forbidden = [p.set_pattern for p in other if _forbids(p)]
        placed = False
        for p in other:
            if not _forbids(p):
                branches.append(p.failing(rows))
            elif not placed:
                placed = True
                branches.append(f"{{ {rows} }} {forbidden[0]}" if len(forbidden) == 1
                                else f"{{ {rows} }} {{ " + " UNION ".join(f"{{ {f} }}" for f in forbidden) + " }")
        if not branches:
            return f"{{ {rows} }} FILTER(false)"
        return " UNION ".join(f"{{ {b} }}" for b in branches)

    def holding(self, rows: str) -> str:
        for part in self.parts:
            rows = part.holding(rows)
        return rows


@dataclass(frozen=True)
class Any(Condition):
    """Some part holds."""

    parts: tuple[Condition, ...]

    def expression(self) -> str:
        return "(" + " || ".join(p.expression() for p in self.parts) + ")" if self.parts else "false"

    def failing(self, rows: str) -> str:
        plain, other = _split(self.parts)
        if plain:
            rows = Expr("(" + " || ".join(p.text for p in plain) + ")").failing(rows)
        for part in other:
            rows = part.failing(rows)
        return rows

    def holding(self, rows: str) -> str:
        if not self.parts:
            return f"{{ {rows} }} FILTER(false)"
        return " UNION ".join(f"{{ {p.holding(rows)} }}" for p in self.parts)


@dataclass(frozen=True)
class Not(Condition):
    """The part does not hold."""

    part: Condition

    def expression(self) -> str:
        return f"!{self.part.expression()}"

    def failing(self, rows: str) -> str:
        return self.part.holding(rows)

    def holding(self, rows: str) -> str:
        return self.part.failing(rows)


def _forbids(part: Condition) -> bool:
    """A pattern that must not occur, which can run on its own over the whole store."""
    return isinstance(part, Exists) and part.negated and part.set_pattern is not None


def _split(parts: tuple[Condition, ...]) -> tuple[list[Expr], list[Condition]]:
    plain = [p for p in parts if isinstance(p, Expr)]
    return plain, [p for p in parts if not isinstance(p, Expr)]


def all_of(parts: list[Condition]) -> Condition:
    """The conjunction, flattened (one part stands for itself)."""
    flat: list[Condition] = []
    for p in parts:
        flat += list(p.parts) if isinstance(p, All) else [p]
    flat = [p for p in flat if p != TRUE]
    return flat[0] if len(flat) == 1 else All(tuple(flat))


def any_of(parts: list[Condition]) -> Condition:
    """The disjunction, flattened (one part stands for itself)."""
    flat: list[Condition] = []
    for p in parts:
        flat += list(p.parts) if isinstance(p, Any) else [p]
    return flat[0] if len(flat) == 1 else Any(tuple(flat))
