"""Pages of the dialogue (German first): table talks, invitations, documentation, project ideas,
and the moderation queue of a city. One module per journey; they share the blueprint in
``base`` (endpoints ``pages_dialogue.<view>``), and importing this package registers them all.

Every action is a plain form POST with a CSRF token, so the pages work without JavaScript; a
refused action shows the page again with the service's reason next to the field. The
documentation and idea forms are rendered from the JSON schema the dialogue service serves,
so the fields the city's plugins add appear without these modules knowing them.
"""

# Imported to register their routes, in the order they had in the one module before.
# isort: off
from gateway.pages.dialogue import talks  # noqa: F401
from gateway.pages.dialogue import talk_actions  # noqa: F401
from gateway.pages.dialogue import invitations  # noqa: F401
from gateway.pages.dialogue import documentation  # noqa: F401
from gateway.pages.dialogue import ideas  # noqa: F401
from gateway.pages.dialogue import moderation  # noqa: F401
from gateway.pages.dialogue import comments  # noqa: F401
from gateway.pages.dialogue import search  # noqa: F401
from gateway.pages.dialogue import districts  # noqa: F401
from gateway.pages.dialogue import organisations  # noqa: F401

# isort: on
from gateway.pages.dialogue.base import bp

__all__ = ["bp"]
