"""Submitted rating matrices: shape and content checks, alignment, progress (pure).

A rater sends a whole matrix in one request together with the ids that name its rows and
columns (``factor_ids`` or ``projection_ids``). The ids must be exactly the project's current
factors (or the projections of the current key factors), in any order; the matrix is stored
with them, so a later change of the factor list never shifts anyone's values. Aggregation
aligns each stored matrix to the current list (``align``): a factor the rater has not seen
is "not judged" (NaN).

Value ranges and types are checked by the request schema (marshmallow names ``matrix.i.j``);
what needs the project's state (the shape, the ids, the diagonal and same-factor blocks,
mirrored values that disagree) is checked here and reported as ``MatrixError`` with the
same field paths.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Matrix = Sequence[Sequence[float | None]]


class MatrixError(ValueError):
    """A submitted matrix does not fit the project; ``fields`` names each offending part."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__(fields)
        self.fields = fields


def _check_ids(
    field: str, given: Sequence[str], expected: Sequence[str], what: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    known = set(expected)
    seen: set[str] = set()
    for i, ident in enumerate(given):
        if ident not in known:
            errors[f"{field}.{i}"] = [f"Unknown {what} of this project."]
        elif ident in seen:
            errors[f"{field}.{i}"] = ["Listed twice."]
        seen.add(ident)
    if not errors and seen != known:
        missing = len(known - seen)
        errors[field] = [f"{missing} current {what}(s) missing: list every one of them."]
    return errors


def _check_shape(matrix: Matrix, n: int) -> dict[str, list[str]]:
    if len(matrix) != n:
        return {"matrix": [f"Expected {n} rows, one per listed id, got {len(matrix)}."]}
    errors: dict[str, list[str]] = {}
    for i, row in enumerate(matrix):
        if len(row) != n:
            errors[f"matrix.{i}"] = [f"Expected {n} values, got {len(row)}."]
    return errors


def _as_array(matrix: Matrix) -> np.ndarray:
    return np.array([[np.nan if v is None else float(v) for v in row] for row in matrix])


def check_influence(
    factor_ids: Sequence[str], matrix: Matrix, current: Sequence[str]
) -> np.ndarray:
    """An influence matrix (row i = how strongly factor i changes factor j, None = not judged).

    Returns the matrix as floats with NaN for "not judged" and the diagonal NaN (a factor is
    not rated against itself)."""
    errors = _check_ids("factor_ids", factor_ids, current, "factor")
    if errors:
        raise MatrixError(errors)
    n = len(factor_ids)
    errors = _check_shape(matrix, n)
    if errors:
        raise MatrixError(errors)
    values = _as_array(matrix)
    for i in range(n):
        if not (np.isnan(values[i, i]) or values[i, i] == 0):
            errors[f"matrix.{i}.{i}"] = ["A factor is not rated against itself: leave it empty."]
    if errors:
        raise MatrixError(errors)
    np.fill_diagonal(values, np.nan)
    return values


def check_consistency(
    projection_ids: Sequence[str],
    matrix: Matrix,
    current: Sequence[str],
    factor_of: dict[str, str],
) -> np.ndarray:
    """A consistency matrix over projections (one value per pair of projections of different
    key factors; either triangle or both, equal where both are given).

    Returns a symmetric float matrix with NaN for "not judged" and for same-factor pairs."""
    errors = _check_ids("projection_ids", projection_ids, current, "projection")
    if errors:
        raise MatrixError(errors)
    n = len(projection_ids)
    errors = _check_shape(matrix, n)
    if errors:
        raise MatrixError(errors)
    values = _as_array(matrix)
    factors = [factor_of[p] for p in projection_ids]
    for i in range(n):
        for j in range(n):
            v = values[i, j]
            if np.isnan(v):
                continue
            if factors[i] == factors[j]:
                errors[f"matrix.{i}.{j}"] = [
                    "Projections of the same key factor are not rated: leave it empty."
                ]
            elif j > i and not np.isnan(values[j, i]) and values[j, i] != v:
                errors[f"matrix.{i}.{j}"] = [f"Differs from its mirror matrix.{j}.{i}."]
    if errors:
        raise MatrixError(errors)
    mirror = np.isnan(values) & ~np.isnan(values.T)
    values[mirror] = values.T[mirror]
    return values


def align(stored_ids: Sequence[str], stored: np.ndarray, current: Sequence[str]) -> np.ndarray:
    """A stored matrix re-indexed to ``current`` ids; ids the rater did not see are NaN."""
    position = {ident: k for k, ident in enumerate(stored_ids)}
    n = len(current)
    out = np.full((n, n), np.nan)
    idx = [position.get(ident) for ident in current]
    for i, a in enumerate(idx):
        if a is None:
            continue
        for j, b in enumerate(idx):
            if b is not None:
                out[i, j] = stored[a, b]
    return out


def cross_mask(factor_of_each: Sequence[str]) -> np.ndarray:
    """True where two projections belong to different key factors (the pairs that are rated)."""
    f = np.array(list(factor_of_each), dtype=object)
    return f[:, None] != f[None, :]


def influence_progress(values: np.ndarray) -> dict[str, int]:
    """Judged off-diagonal cells of one rater's aligned influence matrix."""
    n = values.shape[0]
    off = ~np.eye(n, dtype=bool)
    return {"judged": int((~np.isnan(values) & off).sum()), "total": n * (n - 1)}


def consistency_progress(values: np.ndarray, cross: np.ndarray) -> dict[str, int]:
    """Judged unordered pairs of projections of different key factors."""
    upper = np.triu(cross, k=1)
    return {"judged": int((~np.isnan(values) & upper).sum()), "total": int(upper.sum())}


def flatten(values: np.ndarray) -> list[float | None]:
    """Row-major list with None for NaN (FerretDB stores no nested arrays)."""
    return [None if np.isnan(v) else float(v) for v in np.asarray(values, dtype=float).ravel()]


def unflatten(flat: Sequence[float | None], n: int) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in flat], dtype=float).reshape(n, n)


def to_json(values: np.ndarray, digits: int | None = None) -> list[list[float | None]]:
    """Nested lists for a JSON answer, None for NaN (JSON has no NaN)."""

    def cell(v: float) -> float | None:
        if np.isnan(v):
            return None
        return round(float(v), digits) if digits is not None else float(v)

    return [[cell(v) for v in row] for row in np.asarray(values, dtype=float)]
