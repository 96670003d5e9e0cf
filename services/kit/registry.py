"""Every service the platform runs: its name and the nameko service class to start.

``deploy/local/Procfile``, the gateway's ``/readyz`` and the test fixtures all follow this
table (a unit test keeps the Procfile in step). Each service answers ``ping`` when it and its
database are up.
"""

from __future__ import annotations

SERVICES: dict[str, str] = {
    "identity": "services.identity.service:IdentityService",
    "cities": "services.cities.service:CitiesService",
    "events": "services.events.service:EventsService",
    "dialogue": "services.dialogue.service:DialogueService",
    "scenarios": "services.scenarios.service:ScenariosService",
}
