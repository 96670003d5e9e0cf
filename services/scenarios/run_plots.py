"""SVG plots of how a run cut its bundles into raw scenarios (pure, no plotting library).

* ``dendrogram``: the merge tree of the best bundles (leaves = bundles by rank, height = the
  linkage distance at which two groups merged), branches below the cut coloured by raw
  scenario, the cut drawn as a dashed line.
* ``silhouette``: the mean silhouette width for each number of raw scenarios the engine tried,
  the chosen number highlighted and the automatic suggestion marked.

Both read only the run's stored result (``result["clustering"]`` and the bundles' cluster
numbers), so an old run draws the same picture. Each carries ``<title>`` and ``<desc>``; the
run page adds a table with the same figures for screen readers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from services.scenarios.plots import PALETTE, _document, _fmt, _text

GREY = "#888888"


def _colour(cluster: int | None) -> str:
    return GREY if cluster is None else PALETTE[(cluster - 1) % len(PALETTE)]


def leaf_order(merges: Sequence[Mapping[str, Any]]) -> list[int]:
    """Leaves (item indices 0..n-1) from left to right as the tree draws them."""
    n = len(merges) + 1
    if not merges:
        return [0]
    children = {int(m["id"]): (int(m["a"]), int(m["b"])) for m in merges}
    order: list[int] = []
    stack = [int(merges[-1]["id"])]
    while stack:  # depth-first, left child first (no recursion: up to 1,000 bundles)
        node = stack.pop()
        if node < n:
            order.append(node)
        else:
            a, b = children[node]
            stack += [b, a]
    return order


def cut_height(merges: Sequence[Mapping[str, Any]], k: int) -> float | None:
    """A height between the last merge applied and the first one not applied for ``k``
    clusters (None for one cluster)."""
    n = len(merges) + 1
    applied = n - k
    if k <= 1 or applied >= len(merges):
        return None
    below = float(merges[applied - 1]["height"]) if applied > 0 else 0.0
    above = float(merges[applied]["height"])
    return (below + above) / 2


def dendrogram(
    merges: Sequence[Mapping[str, Any]], clusters: Sequence[int], k: int, width: int = 640
) -> str:
    """``merges``: the run's ``clustering.dendrogram`` (SciPy order, lowest first);
    ``clusters``: raw scenario number per bundle, in rank order; ``k``: raw scenarios."""
    n = len(merges) + 1
    height, left, right, top, bottom = 360, 56, 16, 44, 56
    order = leaf_order(merges)
    slot = (width - left - right) / max(n, 1)
    x = {leaf: left + (i + 0.5) * slot for i, leaf in enumerate(order)}
    top_h = max((float(m["height"]) for m in merges), default=1.0) or 1.0

    def py(h: float) -> float:
        return height - bottom - h / top_h * (height - top - bottom)

    y = {leaf: py(0.0) for leaf in range(n)}
    cluster_of: dict[int, int | None] = {i: int(clusters[i]) for i in range(n)}
    applied = n - k
    body = [_text(left, 24, "Dendrogramm der besten Bündel", 15, font_weight="bold")]
    for step, m in enumerate(merges):
        node, a, b, h = int(m["id"]), int(m["a"]), int(m["b"]), float(m["height"])
        ca, cb = cluster_of[a], cluster_of[b]
        # below the cut a merge stays inside one raw scenario and takes its colour
        same = ca if step < applied and ca == cb else None
        hy = py(h)
        # each child's stem in its own raw scenario's colour (a lone bundle's too), the bar
        # joining them in the merged group's (grey above the cut)
        for child, c in ((a, ca), (b, cb)):
            body.append(
                f"<path d='M{_fmt(x[child])} {_fmt(y[child])}V{_fmt(hy)}' "
                f"stroke='{_colour(c)}' stroke-width='2'/>"
            )
        body.append(
            f"<path d='M{_fmt(x[a])} {_fmt(hy)}H{_fmt(x[b])}' "
            f"stroke='{_colour(same)}' stroke-width='2'/>"
        )
        x[node], y[node], cluster_of[node] = (x[a] + x[b]) / 2, hy, same
    cut = cut_height(merges, k)
    if cut is not None:
        body.append(
            f"<line x1='{left}' y1='{_fmt(py(cut))}' x2='{width - right}' y2='{_fmt(py(cut))}' "
            "stroke='#000000' stroke-dasharray='6 4'/>"
        )
        # named in the title band, not beside the line: there it lay on the merges just above
        # the cut (a facilitator read "Schnitt" through the grey bars)
        body.append(
            _text(width - right, 24, f"gestrichelt: Schnitt in {k} Rohszenarien", 11, "end")
        )
    # height axis on the left, in the Hamming share (0 = equal, 1 = all key factors differ)
    for i in range(5):
        h = top_h * i / 4
        body.append(_text(left - 6, py(h) + 4, _fmt(h).replace(".", ","), 10, "end"))
    body.append(
        f"<line x1='{left}' y1='{top}' x2='{left}' y2='{height - bottom}' stroke='#444444'/>"
    )
    # leaves: bundle ranks (every one while they fit, otherwise every few)
    every = max(1, -(-n * 22 // (width - left - right)))
    for i, leaf in enumerate(order):
        if i % every == 0:
            body.append(_text(x[leaf], py(0.0) + 14, str(leaf + 1), 10, "middle"))
    body.append(_text((left + width - right) / 2, height - 22, "Bündel (Rang)", 12, "middle"))
    body.append(_text(left, height - 6, "Höhe: Anteil verschiedener Schlüsselfaktoren", 11))
    groups: dict[int, list[int]] = {}
    for i, c in enumerate(clusters):
        groups.setdefault(int(c), []).append(i + 1)
    desc = f"{n} Bündel, geschnitten in {k} Rohszenarien: " + "; ".join(
        f"Rohszenario {c}: Bündel {', '.join(map(str, ranks))}"
        for c, ranks in sorted(groups.items())
    )
    return _document("Dendrogramm (Baum der Zusammenfassung)", desc, body, width, height)


def silhouette(by_k: Mapping[str, float], chosen: int, suggested: int, width: int = 640) -> str:
    """``by_k``: number of raw scenarios (as text) → mean silhouette width (−1..1)."""
    ks = sorted(int(k) for k in by_k)
    height, left, right, top, bottom = 300, 56, 16, 44, 52
    lo = min([0.0, *(float(v) for v in by_k.values())])
    hi = max([0.0, *(float(v) for v in by_k.values())]) or 1.0
    hi = max(hi, 0.25)

    def py(v: float) -> float:
        return top + (hi - v) / (hi - lo) * (height - top - bottom)

    slot = (width - left - right) / max(len(ks), 1)
    body = [_text(left, 24, "Silhouettenwert je Anzahl der Rohszenarien", 15, font_weight="bold")]
    body.append(
        f"<line x1='{left}' y1='{_fmt(py(0))}' x2='{width - right}' y2='{_fmt(py(0))}' "
        "stroke='#444444'/>"
    )
    for i, k in enumerate(ks):
        v = float(by_k[str(k)])
        x0 = left + i * slot + slot * 0.15
        top_y, bottom_y = sorted((py(v), py(0)))
        colour = PALETTE[0] if k == chosen else "#9db8cc"
        body.append(
            f"<rect x='{_fmt(x0)}' y='{_fmt(top_y)}' width='{_fmt(slot * 0.7)}' "
            f"height='{_fmt(max(bottom_y - top_y, 1))}' fill='{colour}'>"
            f"<title>{k} Rohszenarien: {_fmt(v).replace('.', ',')}</title></rect>"
        )
        cx = x0 + slot * 0.35
        label = _fmt(v).replace(".", ",")
        body.append(_text(cx, (top_y - 4) if v >= 0 else bottom_y + 12, label, 10, "middle"))
        mark = " (gewählt)" if k == chosen else (" (auto)" if k == suggested else "")
        weight = {"font_weight": "bold"} if k == chosen else {}
        body.append(_text(cx, height - bottom + 16, f"{k}", 11, "middle", **weight))
        if mark and slot >= 48:
            body.append(_text(cx, height - bottom + 30, mark.strip(" ()"), 10, "middle"))
    body.append(
        _text((left + width - right) / 2, height - 6, "Anzahl der Rohszenarien", 12, "middle")
    )
    desc = "; ".join(
        f"{k}: {_fmt(float(by_k[str(k)])).replace('.', ',')}"
        + (" (gewählt)" if k == chosen else "")
        + (" (automatischer Vorschlag)" if k == suggested else "")
        for k in ks
    )
    return _document("Silhouettenwerte", desc or "keine", body, width, height)
