"""``/api/v1/cities/<slug>/scenarios/…`` routes of the scenarios service: one module per part of
the scenario method, sharing the blueprint in ``base``; importing this package registers them
all."""

# Imported to register their routes, in the order they had in the one module before.
# isort: off
from gateway.api.scenarios import factors  # noqa: F401
from gateway.api.scenarios import projections  # noqa: F401
from gateway.api.scenarios import cross_impacts  # noqa: F401
from gateway.api.scenarios import runs  # noqa: F401
from gateway.api.scenarios import observations  # noqa: F401
from gateway.api.scenarios import transfer  # noqa: F401
from gateway.api.scenarios import changes  # noqa: F401

# isort: on
from gateway.api.scenarios.base import bp

__all__ = ["bp"]
