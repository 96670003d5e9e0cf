"""Events service: closing events with registrations, the results of a city's dialogue, next
steps for project ideas, and the read model behind the results (built from public facts).

The handlers live in ``handlers/``, one mixin per aggregate; this class composes them and
holds the dependencies they read.
"""

from __future__ import annotations

from services.events.handlers.closing_events import ClosingEventHandlers
from services.events.handlers.next_steps import NextStepHandlers
from services.events.handlers.personal_data import PersonalDataHandlers
from services.events.handlers.registrations import RegistrationHandlers
from services.events.handlers.result_facts import RESULTS_QUEUE, ResultFactHandlers
from services.events.models import MODELS, ClosingEvent
from services.kit.city_state import CityState, CityStateListener, CityStateView
from services.kit.context import Caller, CallerProvider
from services.kit.db import ServiceDatabase
from services.kit.mail import Mailer
from services.kit.operations import OperationsMixin
from services.kit.outbox import Outbox
from services.kit.purge import PurgeMixin
from services.kit.rpc import rpc
from services.kit.rpc_replies import RpcProxy

SERVICE = "events"

__all__ = ["RESULTS_QUEUE", "SERVICE", "EventsService"]


class EventsService(
    ClosingEventHandlers,
    RegistrationHandlers,
    ResultFactHandlers,
    NextStepHandlers,
    PersonalDataHandlers,
    CityStateListener,
    OperationsMixin,
    PurgeMixin,
):
    name = SERVICE

    # The database stays here: OperationsMixin finds it with inspect.getmembers(cls).
    db = ServiceDatabase(SERVICE, models=MODELS)
    outbox = Outbox(SERVICE)
    mail = Mailer(SERVICE)
    caller: Caller = CallerProvider()
    city_state: CityStateView = CityState()
    identity = RpcProxy("identity")
    cities = RpcProxy("cities")
    dialogue = RpcProxy("dialogue")

    @rpc
    def ping(self) -> str:
        ClosingEvent.scoped("_ping").first()
        return "ok"
