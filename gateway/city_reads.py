"""A city as its pages show it (``cities.get_city``), kept in the gateway's public cache.

Every page of a city shows the city (its name, phase, languages), signed in or not, and a
signed-in page is never served from the cache as a whole. The city itself is the same for
everyone and changes only with a fact of the cities service, so it is kept as a *lasting*
entry: emptied by every fact of the cities service (each change of a city sends
``city.changed``), by a write through this process that called the cities service
(read-your-writes, ``gateway.cache``), and whenever the cache's listener is not connected —
not by the joins and supports of the other services.
"""

from __future__ import annotations

import json
from typing import Any

from gateway.api.common import rpc
from gateway.cache import public_cache


def city_of(slug: str) -> dict[str, Any]:
    """``cities.get_city(slug)``, from memory when the public cache holds it (an unknown
    city's NotFound is raised and not kept)."""
    cache = public_cache()
    key = f"rpc:cities.get_city:{slug}"
    hit = cache.get(key, lasting=True)
    if hit is not None:
        return json.loads(hit[0])
    generation = cache.lasting_generation  # before the read: a clear during it wins
    city = rpc("cities", "get_city", slug)
    cache.put(key, (json.dumps(city).encode(), 200, "application/json"), generation, lasting=True)
    return city
