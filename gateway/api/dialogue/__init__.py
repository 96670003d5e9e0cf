"""``/api/v1`` routes of the dialogue service: topics, table talks, registrations, invitations,
documentation forms and project ideas. One module per area, sharing the blueprint in ``base``;
importing this package registers them all."""

# Imported to register their routes, in the order they had in the one module before.
# isort: off
from gateway.api.dialogue import topics  # noqa: F401
from gateway.api.dialogue import talks  # noqa: F401
from gateway.api.dialogue import invitations  # noqa: F401
from gateway.api.dialogue import documentation  # noqa: F401
from gateway.api.dialogue import ideas  # noqa: F401
from gateway.api.dialogue import comments  # noqa: F401
from gateway.api.dialogue import search  # noqa: F401
from gateway.api.dialogue import organisations  # noqa: F401
from gateway.api.dialogue import follows  # noqa: F401

# isort: on
from gateway.api.dialogue.base import bp

__all__ = ["bp"]
