"""Pages of the scenario work (German first): what citizens read and submit, the workspace of
facilitators and working groups, and the transfer into deep-dive topics. One module per
journey; they share the blueprint in ``base`` (endpoints ``pages_scenarios.<view>``), and
importing this package registers them all.

Citizens: ``/stadt/<slug>/szenarien`` (published scenarios, map, profiles, deep-dive topics),
``/stadt/<slug>/beobachtungen`` (observations and forecasts, with the form in the scenario
phase). Workspace: ``/stadt/<slug>/szenarien/werkstatt/…`` (factors, influence matrix, key
factors, projections, consistency matrix, cross-impact (CIB) matrix, observation intake, runs,
scenarios) and
``/stadt/<slug>/transfer`` (assessments, portfolio, deep-dive topics).

Every action is a plain form POST with a CSRF token; a matrix is one form whose cells are
submitted together and sent to the service as one whole matrix. The service authorises and
checks the phase; a refusal shows the page again with the reason next to the field (a matrix
cell's error is named ``matrix.i.j`` by the service and shown in that cell).
"""

# Imported to register their routes, in the order they had in the one module before.
# isort: off
from gateway.pages.scenarios import citizens  # noqa: F401
from gateway.pages.scenarios import workspace  # noqa: F401
from gateway.pages.scenarios import projections  # noqa: F401
from gateway.pages.scenarios import cib  # noqa: F401
from gateway.pages.scenarios import intake  # noqa: F401
from gateway.pages.scenarios import runs  # noqa: F401
from gateway.pages.scenarios import transfer  # noqa: F401
from gateway.pages.scenarios import exchange  # noqa: F401
from gateway.pages.scenarios import cib_exchange  # noqa: F401
from gateway.pages.scenarios import changes  # noqa: F401
from gateway.pages.scenarios import criteria  # noqa: F401
from gateway.pages.scenarios import scenario_changes  # noqa: F401
from gateway.pages.scenarios import versions  # noqa: F401
from gateway.pages.scenarios import sheets  # noqa: F401
from gateway.pages.scenarios import council  # noqa: F401
from gateway.pages.scenarios import project_file  # noqa: F401
from gateway.pages.scenarios import settings  # noqa: F401

# isort: on
from gateway.pages.scenarios.base import bp

__all__ = ["bp"]
