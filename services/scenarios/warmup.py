"""The scenario engine compiled before the service takes requests.

numba compiles the engine's kernels on their first call: many seconds on a fresh machine (read
from its disk cache afterwards, a fraction of a second). Compiled inside a run, that would hold
every other request of this service, so people would see "Gerade nicht erreichbar" while a
facilitator's first run starts. As a dependency of the service, the warm-up runs in ``setup``,
before nameko starts consuming; requests wait in their queue meanwhile."""

from __future__ import annotations

import logging

from nameko.extensions import DependencyProvider

from services.scenarios.compute import warm_up

log = logging.getLogger(__name__)


class EngineWarmUp(DependencyProvider):
    def setup(self) -> None:
        log.info("scenario engine ready after %.2f s", warm_up())

    def get_dependency(self, worker_ctx: object) -> None:  # nothing for the workers
        return None
