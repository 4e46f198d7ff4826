"""DP-3 (issue 15 finding 12): complementary suppression over rows, columns and the total row, so that no
hidden cell can be recomputed from what is published — checked by an attacker who knows every published
cell, every area's own figure (the row sums), the grand total, and that counts are whole and ≥ 0, and who
enumerates every table consistent with that."""

import random

import pytest

from reporting.selectors import suppress_table

LIMIT = 3


def published(rows, total):
    """What the report shows: the suppressed table plus every row's sum and the grand total."""
    cells, total_cells = suppress_table(rows, total, limit=LIMIT)
    table = {**cells, None: total_cells}
    sums = {r: sum(v.values()) for r, v in rows.items()}
    sums[None] = sum(total.values())
    return table, sums


def solutions(table, sums):
    """Every whole, non-negative filling of the hidden cells consistent with the published figures."""
    keys = list(table[None])
    hidden = [(r, k) for r in table for k in keys if table[r][k] is None]
    bound = max(sums.values()) if sums else 0

    def consistent(assign, final=False):
        for r in table:  # each row sums to its published figure
            cells = [(r, k) for k in keys]
            known = sum(table[r][k] if table[r][k] is not None else assign.get((r, k), 0) for _r, k in cells)
            if (
                known > sums[r]
                or (final or all(c in assign or table[c[0]][c[1]] is not None for c in cells))
                and known != sums[r]
            ):
                return False
        for k in keys:  # the areas of each column sum to the total row's cell
            cells = [(r, k) for r in table]
            if not (final or all(c in assign or table[c[0]][c[1]] is not None for c in cells)):
                continue
            value = {r: table[r][k] if table[r][k] is not None else assign[(r, k)] for r in table}
            if sum(v for r, v in value.items() if r is not None) != value[None]:
                return False
        return True

    found = []

    def walk(i, assign):
        if i == len(hidden):
            if consistent(assign, final=True):
                found.append(dict(assign))
            return
        for value in range(bound + 1):
            assign[hidden[i]] = value
            if consistent(assign):
                walk(i + 1, assign)
            del assign[hidden[i]]

    walk(0, {})
    return hidden, found


def recomputable(rows, total) -> list:
    """Hidden cells whose value every consistent table agrees on — except where the area's own figure
    (published by design, DP-3 "below area level") already is that cell: the area's whole count lies in
    one column and every other column is empty for all areas (nothing left to hide it with). That limit is documented in docs/domain.md (DP-3)."""
    table, sums = published(rows, total)
    hidden, found = solutions(table, sums)
    assert found, "the published figures must admit the true table"
    given_away = {
        (r, k)
        for r, cells in rows.items()
        for k, v in cells.items()
        if v and v == sums[r] and all(total[other] == 0 for other in cells if other != k)
    }
    return [cell for cell in hidden if len({s[cell] for s in found}) == 1 and cell not in given_away]


def table_of(rows):
    keys = list(next(iter(rows.values())))
    return rows, {k: sum(r[k] for r in rows.values()) for k in keys}


def test_dp3_the_attack_of_the_finding_total_row_subtraction():
    """Before: the total row was unsuppressed, so Süd's hidden 2 = total 7 − Nord's 5."""
    rows, total = table_of({"nord": {"a": 5, "b": 5, "c": 10}, "sued": {"a": 2, "b": 8, "c": 2}})
    assert recomputable(rows, total) == []


def test_dp3_single_small_cell_in_the_total_row():
    rows, total = table_of({"nord": {"a": 1, "b": 0, "c": 4}, "sued": {"a": 0, "b": 0, "c": 6}})
    table, _sums = published(rows, total)
    assert table[None]["a"] is None  # 1 in the total row is hidden as well
    assert recomputable(rows, total) == []


def test_dp3_a_true_zero_is_shown_as_zero_beside_a_zero_total():
    rows, total = table_of({"nord": {"a": 0, "b": 2, "c": 7}, "sued": {"a": 0, "b": 4, "c": 5}})
    table, _sums = published(rows, total)
    assert table["nord"]["a"] == table["sued"]["a"] == table[None]["a"] == 0
    assert table["nord"]["b"] is None
    assert recomputable(rows, total) == []


def test_dp3_no_suppression_when_nothing_is_small():
    rows, total = table_of({"nord": {"a": 3, "b": 4}, "sued": {"a": 5, "b": 0}})
    table, _sums = published(rows, total)
    assert all(v is not None for cells in table.values() for v in cells.values())


@pytest.mark.parametrize("seed", range(60))
def test_dp3_adversarial_random_tables_reveal_no_hidden_cell(seed):
    rnd = random.Random(seed)
    areas = rnd.randint(2, 3)
    cols = rnd.randint(2, 4)
    rows = {
        f"area{i}": {f"c{j}": rnd.choice([0, 0, 1, 2, 3, 4, 6]) for j in range(cols)} for i in range(areas)
    }
    rows, total = table_of(rows)
    assert recomputable(rows, total) == []
