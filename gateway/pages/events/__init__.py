"""Pages of the Abschluss (German first): a city's closing events with registration, the results
of its dialogue with charts, what became of the project ideas, a cohort's results; and for city
admins and partners the management of closing events, next steps, exports and working groups.
One module per journey; they share the blueprint in ``base`` (endpoints ``pages_events.<view>``),
and importing this package registers them all.

Every action is a plain form POST with a CSRF token, so the pages work without JavaScript;
charts are SVG drawn here on the server, each with a table of the same numbers beside it.
"""

# Imported to register their routes, in the order they had in the one module before.
# isort: off
from gateway.pages.events import closing  # noqa: F401
from gateway.pages.events import manage  # noqa: F401
from gateway.pages.events import working_groups  # noqa: F401

# isort: on
from gateway.pages.events.base import bp

__all__ = ["bp"]
