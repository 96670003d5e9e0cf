"""Readers for the JSON formats of shared/scenario-examples and ScenarioWizard ``.scw`` files.

Only parsing lives here; the computations take plain arrays and names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .cib import CIBModel
from .consistency import ConsistencyModel, Scale


class FormatError(ValueError):
    """The input does not follow one of the accepted formats."""


def load_json(path: str | Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{path}: not valid JSON ({exc})") from exc


def _ident(item: Any, what: str) -> str:
    """Strings are ids; objects carry an ``id`` (or at least a ``name``)."""
    if isinstance(item, str | int | float) and not isinstance(item, bool):
        return str(item)
    if isinstance(item, Mapping):
        for key in ("id", "name"):
            if key in item:
                return str(item[key])
    raise FormatError(f"{what} must be a string or an object with an 'id'")


# ----------------------------------------------------------------------------------------------
# CIB


def cib_model_from_dict(data: Mapping) -> CIBModel:
    """``descriptors[]`` with ``id`` and ``variants`` (strings or objects with ``id``) and
    ``matrix`` in variant order, rows = impacting variant."""
    try:
        descriptors = data["descriptors"]
        matrix = data["matrix"]
    except (KeyError, TypeError) as exc:
        raise FormatError("a CIB file needs 'descriptors' and 'matrix'") from exc
    names = [_ident(d, "descriptor") for d in descriptors]
    variants = []
    for d in descriptors:
        if not isinstance(d, Mapping) or "variants" not in d:
            raise FormatError("every descriptor needs a 'variants' list")
        variants.append([_ident(v, "variant") for v in d["variants"]])
    try:
        return CIBModel.build(names, variants, matrix)
    except ValueError as exc:
        raise FormatError(str(exc)) from exc


def parse_scw(text: str) -> CIBModel:
    """A ScenarioWizard 4 ``.scw`` file: ``&Descriptor`` / `` -Variant`` blocks up to ``#``,
    then short names, colours and the matrix as comma-separated rows."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("$ ScenarioWizard"):
        raise FormatError("not a ScenarioWizard file (missing '$ ScenarioWizard' header)")
    descriptors: list[str] = []
    variants: list[list[str]] = []
    i = 2
    while i < len(lines) and lines[i].strip() != "#":
        line = lines[i]
        if line.startswith("&"):
            descriptors.append(line[1:].strip())
            variants.append([])
        elif line.strip().startswith("-"):
            if not variants:
                raise FormatError("variant before the first descriptor")
            label = line.strip()[1:].strip()
            variants[-1].append(label.split(" ", 1)[0].strip() if '"' in label else label)
        i += 1
    n = sum(len(v) for v in variants)
    if n == 0:
        raise FormatError("no descriptors found")
    rows: list[list[float]] = []
    for line in lines[i + 1 :]:
        parts = line.split(",")
        if len(parts) == n:
            try:
                rows.append([float(p) for p in parts])
            except ValueError:
                rows = []
                continue
            if len(rows) == n:
                break
        elif rows:
            rows = []
    if len(rows) != n:
        raise FormatError(f"no {n}x{n} matrix found")
    return CIBModel.build(descriptors, variants, np.array(rows))


def scw_labels(text: str) -> list[list[str]]:
    """The variants of a ``.scw`` file as people read them: ``-A1 "Patriots party"`` gives
    ``A1 Patriots party`` (``parse_scw`` keeps only the short name ``A1``), per descriptor."""
    out: list[list[str]] = []
    for line in text.splitlines()[2:]:
        if line.strip() == "#":
            break
        if line.startswith("&"):
            out.append([])
        elif line.strip().startswith("-") and out:
            out[-1].append(" ".join(line.strip()[1:].replace('"', " ").split()))
    return out


def load_cib(path: str | Path) -> CIBModel:
    p = Path(path)
    if p.suffix.lower() == ".scw":
        return parse_scw(p.read_text(encoding="latin-1"))
    return cib_model_from_dict(load_json(p))


# ----------------------------------------------------------------------------------------------
# consistency analysis


def consistency_model_from_dict(
    data: Mapping, *, missing: str = "error", asymmetric: str = "error"
) -> ConsistencyModel:
    """``key_factors[].projections`` (strings or objects with ``id`` and optional
    ``probability``), values either as ``pairwise_values_symmetric`` / ``pairwise_values``
    (``{a, b, value}`` naming projections) or as a full ``matrix`` in projection order, and an
    optional ``scale`` (``{min, max, total_inconsistency, partial_inconsistency}`` or a mapping
    from value to meaning; default 1-5)."""
    try:
        kfs = data["key_factors"]
    except (KeyError, TypeError) as exc:
        raise FormatError("a consistency file needs 'key_factors'") from exc
    factors = [_ident(k, "key factor") for k in kfs]
    projections: list[list[str]] = []
    probs: list[float | None] = []
    for k in kfs:
        if not isinstance(k, Mapping) or "projections" not in k:
            raise FormatError("every key factor needs a 'projections' list")
        projections.append([_ident(p, "projection") for p in k["projections"]])
        for p in k["projections"]:
            prob = p.get("probability") if isinstance(p, Mapping) else None
            probs.append(None if prob is None else float(prob))
    if any(p is not None for p in probs):
        if any(p is None for p in probs):
            raise FormatError("give a probability for every projection or for none")
        probabilities = [float(p) for p in probs if p is not None]
    else:
        probabilities = None
    try:
        scale = Scale.parse(data.get("scale"))
        if "matrix" in data:
            return ConsistencyModel.build(
                factors,
                projections,
                np.array(data["matrix"], dtype=float),
                scale,
                probabilities,
                asymmetric=asymmetric,
            )
        pairs = data.get("pairwise_values_symmetric", data.get("pairwise_values"))
        if pairs is None:
            raise FormatError("give 'pairwise_values_symmetric' or a 'matrix'")
        triples = [(p["a"], p["b"], p["value"]) for p in pairs]
        return ConsistencyModel.from_pairs(
            factors,
            projections,
            triples,
            scale,
            probabilities,
            missing=missing,
            asymmetric=asymmetric,
        )
    except (KeyError, TypeError) as exc:
        raise FormatError(f"malformed pair entry: {exc}") from exc
    except FormatError:
        raise
    except ValueError as exc:
        raise FormatError(str(exc)) from exc


# ----------------------------------------------------------------------------------------------
# influence analysis


def influence_from_dict(data: Mapping) -> tuple[list[str], np.ndarray]:
    """``factors`` (or ``nodes``) with ``matrix`` (or ``binary_adjacency_A``), or ``nodes`` with
    ``edges_directed_source_to_target`` (pairs, or triples with a weight)."""
    names_src = data.get("factors", data.get("nodes"))
    if names_src is None:
        raise FormatError("an influence file needs 'factors' (or 'nodes')")
    names = [_ident(f, "factor") for f in names_src]
    n = len(names)
    if "matrix" in data or "binary_adjacency_A" in data:
        a = np.array(data.get("matrix", data.get("binary_adjacency_A")), dtype=float)
        if a.shape != (n, n):
            raise FormatError(f"influence matrix must be {n}x{n}")
        return names, a
    edges = data.get("edges_directed_source_to_target", data.get("edges"))
    if edges is None:
        raise FormatError("give 'matrix' or 'edges_directed_source_to_target'")
    pos = {name: i for i, name in enumerate(names)}
    a = np.zeros((n, n))
    for e in edges:
        s, t = str(e[0]), str(e[1])
        if s not in pos or t not in pos:
            raise FormatError(f"edge {e!r} names an unknown factor")
        a[pos[s], pos[t]] = float(e[2]) if len(e) > 2 else 1.0
    return names, a
