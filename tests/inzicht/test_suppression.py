"""Suppression: no published number under k, and no hidden number can be worked out from the published ones.

Two independent checks of the second claim (they do not use the module's cycle search):
- brute force on small tables: every table of counts >= 0 with the same published numbers is enumerated, and
  each hidden cell must take at least two values across them;
- exact linear algebra on larger tables: a hidden cell must not be a linear combination of the row and
  column equations given the published numbers (its unit vector is not in their row space).
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from wegwijzer.inzicht.suppression import SuppressedTable, suppress, with_margins

K = 5


def _consistent_values(table: SuppressedTable, n_rows: int, n_cols: int) -> dict[tuple[int, int], set[int]]:
    """For each hidden cell of the table-with-margins, the values it takes over all consistent count tables.

    Depth-first over the hidden body cells, pruned by the published totals (a partial row or column may not
    exceed its published total, a complete one must equal it).
    """
    cells = table.cells
    published = [v for row in cells for v in row if v is not None]
    cap = (max(published) if published else 0) + 2 * K
    grand = cells[n_rows][n_cols]
    cap = min(cap, grand) if grand is not None else cap
    body = [[cells[i][j] or 0 for j in range(n_cols)] for i in range(n_rows)]
    hidden_body = [(i, j) for i in range(n_rows) for j in range(n_cols) if cells[i][j] is None]
    last_in_row = {i: max((j for a, j in hidden_body if a == i), default=-1) for i in range(n_rows)}
    last_in_col = {j: max((a for a, b in hidden_body if b == j), default=-1) for j in range(n_cols)}
    seen: dict[tuple[int, int], set[int]] = {
        (i, j): set() for i in range(n_rows + 1) for j in range(n_cols + 1) if cells[i][j] is None
    }

    def ok(i: int, j: int) -> bool:
        row_total, col_total = cells[i][n_cols], cells[n_rows][j]
        row_sum, col_sum = sum(body[i]), sum(body[a][j] for a in range(n_rows))
        if row_total is not None and (row_sum > row_total or (last_in_row[i] == j and row_sum != row_total)):
            return False
        if col_total is not None and (col_sum > col_total or (last_in_col[j] == i and col_sum != col_total)):
            return False
        return not (grand is not None and sum(map(sum, body)) > grand)

    def walk(n: int) -> None:
        if n == len(hidden_body):
            ext = with_margins(body)
            if all(
                cells[i][j] is None or cells[i][j] == ext[i][j]
                for i in range(n_rows + 1)
                for j in range(n_cols + 1)
            ):
                for cell in seen:
                    seen[cell].add(ext[cell[0]][cell[1]])
            return
        i, j = hidden_body[n]
        for value in range(cap + 1):
            body[i][j] = value
            if ok(i, j):
                walk(n + 1)
            elif cells[i][n_cols] is not None and sum(body[i]) > cells[i][n_cols]:
                break
        body[i][j] = 0

    walk(0)
    return seen


def _assert_safe(body: list[list[int]]) -> SuppressedTable:
    table = suppress(body, K)
    ext = with_margins(body)
    for i, row in enumerate(table.cells):
        for j, value in enumerate(row):
            assert value is None or value == ext[i][j]
            assert value is None or value >= K, f"published {value} under {K}"
    return table


def _derivable_linear(table: SuppressedTable, n_rows: int, n_cols: int) -> list[tuple[int, int]]:
    """Hidden cells whose value is a linear combination of the line equations (exact, with Fractions)."""
    hidden = [(i, j) for i in range(n_rows + 1) for j in range(n_cols + 1) if table.cells[i][j] is None]
    index = {cell: n for n, cell in enumerate(hidden)}
    equations: list[list[Fraction]] = []
    for i in range(n_rows + 1):  # row i: its cells minus its total
        eq = [Fraction(0)] * len(hidden)
        for j in range(n_cols + 1):
            if (i, j) in index:
                eq[index[(i, j)]] += -1 if j == n_cols else 1
        equations.append(eq)
    for j in range(n_cols + 1):
        eq = [Fraction(0)] * len(hidden)
        for i in range(n_rows + 1):
            if (i, j) in index:
                eq[index[(i, j)]] += -1 if i == n_rows else 1
        equations.append(eq)
    basis = _row_echelon(equations)
    rank = len(basis)
    derivable = []
    for cell, n in index.items():
        unit = [Fraction(0)] * len(hidden)
        unit[n] = Fraction(1)
        if len(_row_echelon([*basis, unit])) == rank:
            derivable.append(cell)
    return derivable


def _row_echelon(rows: list[list[Fraction]]) -> list[list[Fraction]]:
    rows = [r[:] for r in rows if any(r)]
    out: list[list[Fraction]] = []
    width = len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((r for r in rows if r[col] != 0), None)
        if pivot is None:
            continue
        rows.remove(pivot)
        out.append(pivot)
        rows = [[a - (r[col] / pivot[col]) * b for a, b in zip(r, pivot, strict=True)] for r in rows]
        rows = [r for r in rows if any(r)]
    return out


def test_single_small_cell_takes_a_partner_in_its_row_and_column() -> None:
    table = _assert_safe([[3, 10, 12], [8, 9, 20]])
    assert table.cells[0][0] is None
    # its row and column each hide a second number, so row total minus the rest gives nothing
    assert sum(v is None for v in table.cells[0]) >= 2
    assert sum(row[0] is None for row in table.cells) >= 2


def test_zero_pair_in_a_row_is_not_given_away_by_nonnegativity() -> None:
    # a row [0, 0, 10, 10] with 10 and 10 published pins both zeros (two counts adding up to 0)
    body = [[0, 0, 10], [6, 8, 9]]
    table = _assert_safe(body)
    values = _consistent_values(table, 2, 3)
    assert all(len(v) >= 2 for v in values.values()), values


def test_small_total_is_hidden() -> None:
    table = _assert_safe([[2], [1]])
    assert table.total is None


def test_large_cells_are_published_unchanged() -> None:
    table = _assert_safe([[10, 20], [30, 40]])
    assert table.cells == ((10, 20, 30), (30, 40, 70), (40, 60, 100))


small_tables = st.integers(1, 2).flatmap(
    lambda rows: st.integers(1, 3 if rows == 1 else 2).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(0, 9), min_size=cols, max_size=cols), min_size=rows, max_size=rows
        )
    )
)


@settings(max_examples=80, deadline=None)
@given(small_tables)
def test_brute_force_no_hidden_value_is_determined(body: list[list[int]]) -> None:
    table = _assert_safe(body)
    values = _consistent_values(table, len(body), len(body[0]))
    for cell, seen in values.items():
        assert len(seen) >= 2, f"hidden cell {cell} can only be {seen} in {body} -> {table.cells}"


tables = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda cols: st.lists(
            st.lists(st.one_of(st.integers(0, 6), st.integers(0, 60)), min_size=cols, max_size=cols),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=200, deadline=None)
@given(tables)
def test_no_hidden_value_is_a_linear_combination_of_published_ones(body: list[list[int]]) -> None:
    table = _assert_safe(body)
    assert _derivable_linear(table, len(body), len(body[0])) == []
