"""Small-cell suppression for published count tables (pure: no Django, no database).

A table of counts is published with its row totals, column totals and grand total. Every published number
under the threshold `k` (INSIGHT_MIN_CELL) is suppressed (primary suppression). That alone is not enough:
a single hidden cell in a row can be recovered as the row total minus the other cells. So further cells are
hidden (complementary suppression) until no hidden number can be worked out from the published ones.

Why the test below is exact: the table with its margins is a set of linear equations, one per row and one
per column (the cells of a line add up to its total). Seen as a bipartite graph with a node per row and per
column and an edge per cell, these equations are (after flipping signs) the node-edge incidence equations,
and (ignoring that counts are >= 0) a hidden cell is determined exactly when its edge is a *bridge* of the graph
formed by the hidden cells. Counts are also >= 0, which can pin more (two hidden zeros in a row whose total
is published add up to 0, so both are 0). So the test is stronger: a hidden cell is safe when another table of
counts >= 0 with the same published numbers differs in it, i.e. it lies on a cycle of hidden cells along which
+1/-1 can be moved without going below 0. While some hidden cell is pinned, the rectangle through it that hides
the least extra and lets it move is hidden too; the cells of that rectangle move with it and cells never stop
moving when more is hidden, so the loop ends (at worst with everything hidden).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Cell = tuple[int, int]


@dataclass(frozen=True)
class SuppressedTable:
    """A published table: `cells[i][j]` is a count or None (hidden); the last row and column are totals."""

    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    cells: tuple[tuple[int | None, ...], ...]  # (rows + 1) x (cols + 1), totals last

    @property
    def body(self) -> tuple[tuple[int | None, ...], ...]:
        return tuple(row[:-1] for row in self.cells[:-1])

    @property
    def row_totals(self) -> tuple[int | None, ...]:
        return tuple(row[-1] for row in self.cells[:-1])

    @property
    def col_totals(self) -> tuple[int | None, ...]:
        return self.cells[-1][:-1]

    @property
    def total(self) -> int | None:
        return self.cells[-1][-1]

    def values(self) -> list[int]:
        """Every published number (for tests and checks)."""
        return [v for row in self.cells for v in row if v is not None]


def with_margins(body: Sequence[Sequence[int]]) -> list[list[int]]:
    """The table extended by a totals column and a totals row."""
    n_cols = len(body[0]) if body else 0
    ext = [[*row, sum(row)] for row in body]
    ext.append([sum(row[j] for row in ext) for j in range(n_cols + 1)])
    return ext


def hidden_cells(body: Sequence[Sequence[int]], k: int) -> set[Cell]:
    """The cells of the table-with-margins to hide so that no hidden value can be worked out.

    Every number under `k` is hidden, zero included ("no cell under k anywhere"). Then, while some hidden
    cell is pinned (its value follows from the published numbers and the counts being >= 0), a rectangle of
    cells through it is hidden that lets it move.
    """
    if k <= 0:
        return set()
    ext = with_margins(body)
    n_rows, n_cols = len(ext), len(ext[0])
    hidden = {(i, j) for i in range(n_rows) for j in range(n_cols) if ext[i][j] < k}
    while True:
        pinned = next((cell for cell in sorted(hidden) if not movable(cell, hidden, ext)), None)
        if pinned is None:
            return hidden
        rectangle = _cheapest_rectangle(pinned, hidden, ext)
        if rectangle is None:  # no rectangle frees it: publish nothing rather than something derivable
            return {(i, j) for i in range(n_rows) for j in range(n_cols)}
        hidden |= rectangle


def _direction(cell: Cell, alpha: int, n_rows: int, n_cols: int) -> int:
    """How a cell's count changes (+1/-1) when its incidence variable changes by `alpha` (totals flip sign)."""
    i, j = cell
    r = -1 if i == n_rows - 1 else 1
    q = -1 if j == n_cols - 1 else 1
    return alpha * r * q


def movable(cell: Cell, hidden: set[Cell], ext: Sequence[Sequence[int]]) -> bool:
    """Whether another table of counts >= 0 with the same published numbers has a different value here.

    Such a table differs by +-1 around a cycle of hidden cells through `cell` (alternating in the incidence
    variables); a cell that goes down by 1 must be at least 1. Searched as a directed path from the cell's
    column back to its row.
    """
    n_rows, n_cols = len(ext), len(ext[0])
    i, j = cell
    for alpha in (1, -1):
        if _direction(cell, alpha, n_rows, n_cols) < 0 and ext[i][j] < 1:
            continue
        if _cycle_exists(cell, alpha, hidden, ext):
            return True
    return False


def _cycle_exists(cell: Cell, alpha: int, hidden: set[Cell], ext: Sequence[Sequence[int]]) -> bool:
    n_rows, n_cols = len(ext), len(ext[0])
    i, j = cell
    by_col: dict[int, list[int]] = {}
    by_row: dict[int, list[int]] = {}
    for a, b in hidden:
        if (a, b) == cell:
            continue
        by_col.setdefault(b, []).append(a)
        by_row.setdefault(a, []).append(b)
    # Nodes: ("c", col) and ("r", row). Column->row edges carry -alpha, row->column edges +alpha.
    seen: set[tuple[str, int]] = {("c", j)}
    frontier: list[tuple[str, int]] = [("c", j)]
    while frontier:
        side, index = frontier.pop()
        if side == "c":
            for a in by_col.get(index, ()):
                if _direction((a, index), -alpha, n_rows, n_cols) < 0 and ext[a][index] < 1:
                    continue
                if a == i:
                    return True
                if ("r", a) not in seen:
                    seen.add(("r", a))
                    frontier.append(("r", a))
        else:
            for b in by_row.get(index, ()):
                if _direction((index, b), alpha, n_rows, n_cols) < 0 and ext[index][b] < 1:
                    continue
                if ("c", b) not in seen:
                    seen.add(("c", b))
                    frontier.append(("c", b))
    return False


def suppress(
    body: Sequence[Sequence[int]],
    k: int,
    *,
    row_labels: Sequence[str] = (),
    col_labels: Sequence[str] = (),
) -> SuppressedTable:
    """The table with margins, its hidden cells replaced by None."""
    if not body or not body[0]:
        return SuppressedTable(tuple(row_labels), tuple(col_labels), ((0,),) if k <= 0 else ((None,),))
    ext = with_margins(body)
    hidden = hidden_cells(body, k)
    cells = tuple(
        tuple(None if (i, j) in hidden else value for j, value in enumerate(row)) for i, row in enumerate(ext)
    )
    return SuppressedTable(tuple(row_labels), tuple(col_labels), cells)


def _cheapest_rectangle(cell: Cell, hidden: set[Cell], ext: list[list[int]]) -> set[Cell] | None:
    """Three cells that, hidden with `cell`, let it move; the choice hiding the least extra, or None."""
    i, j = cell
    n_rows, n_cols = len(ext), len(ext[0])
    best: tuple[tuple[int, int], set[Cell]] | None = None
    for u in range(n_rows):
        if u == i:
            continue
        for v in range(n_cols):
            if v == j:
                continue
            corners = {(i, v), (u, j), (u, v)}
            if not movable(cell, {cell, *corners}, ext):
                continue
            new = corners - hidden
            # Least hidden value first; then fewer margin cells (totals are the most useful numbers).
            margins = sum(1 for a, b in new if a == n_rows - 1 or b == n_cols - 1)
            cost = (sum(ext[a][b] for a, b in new), margins)
            if best is None or cost < best[0]:
                best = (cost, corners)
    return None if best is None else best[1]
