"""Scenarios service: the scenario work of a city's working group, citizens' observations and
the transfer into deep-dive topics.

Roles (per city): facilitators (scenario consultants) lead the work; working-group members
rate, write factors, projections, assessments and topics; anyone signed in submits
observations; everyone reads what is published. Phases: factors, ratings, projections, runs
and scenarios belong to ``scenarios``; assessments and topics to ``transfer``. The numbers
come from the scenario engine (``services/scenarios/engine``), never from code of our own.

The composition root: the nameko dependencies and ``ping``. The entrypoints live in
``handlers/``, one mixin per aggregate; what they share is ``handlers/base.py``.
"""

from __future__ import annotations

from plugins.manager import default_host
from services.kit.city_state import CityState, CityStateListener
from services.kit.context import Caller, CallerProvider
from services.kit.db import ServiceDatabase
from services.kit.operations import OperationsMixin
from services.kit.outbox import Outbox
from services.kit.personal_data import PersonalDataMixin
from services.kit.purge import PurgeMixin
from services.kit.rpc import rpc
from services.kit.rpc_replies import RpcProxy
from services.scenarios.handlers.assessments import AssessmentHandlers
from services.scenarios.handlers.base import SERVICE
from services.scenarios.handlers.consistency_ratings import ConsistencyRatingHandlers
from services.scenarios.handlers.criteria import CriterionHandlers
from services.scenarios.handlers.cross_impacts import CrossImpactHandlers
from services.scenarios.handlers.factors import FactorHandlers
from services.scenarios.handlers.influence import InfluenceHandlers
from services.scenarios.handlers.key_factors import KeyFactorHandlers
from services.scenarios.handlers.observations import ObservationHandlers
from services.scenarios.handlers.project import ProjectHandlers
from services.scenarios.handlers.project_file import ProjectFileHandlers
from services.scenarios.handlers.projections import ProjectionHandlers
from services.scenarios.handlers.runs import RunHandlers
from services.scenarios.handlers.scenarios import ScenarioHandlers
from services.scenarios.handlers.scenariowizard import ScenarioWizardHandlers
from services.scenarios.handlers.topics import TopicHandlers
from services.scenarios.handlers.versions import VersionHandlers
from services.scenarios.models import MODELS, Project
from services.scenarios.privacy import PERSONAL_DATA
from services.scenarios.warmup import EngineWarmUp


class ScenariosService(
    ProjectHandlers,
    ProjectFileHandlers,
    FactorHandlers,
    InfluenceHandlers,
    KeyFactorHandlers,
    ProjectionHandlers,
    ConsistencyRatingHandlers,
    RunHandlers,
    CrossImpactHandlers,
    ScenarioWizardHandlers,
    ScenarioHandlers,
    ObservationHandlers,
    AssessmentHandlers,
    CriterionHandlers,
    TopicHandlers,
    VersionHandlers,
    CityStateListener,
    OperationsMixin,
    PurgeMixin,
    PersonalDataMixin,
):
    name = SERVICE
    # What this service holds about a person (the data export): scenarios/privacy.py.
    PERSONAL_DATA = PERSONAL_DATA
    SERVICE_LABEL = "Szenarien und Beobachtungen"

    # Kept on this class: OperationsMixin and PurgeMixin find the ServiceDatabase here.
    db = ServiceDatabase(SERVICE, models=MODELS)
    outbox = Outbox(SERVICE)
    caller: Caller = CallerProvider()
    city_state = CityState(plugin_host=default_host)
    cities = RpcProxy("cities")
    identity = RpcProxy("identity")
    engine = EngineWarmUp()  # numba's kernels compiled before the first request (warmup.py)

    @rpc
    def ping(self) -> str:
        Project.scoped("_ping").first()
        return "ok"
