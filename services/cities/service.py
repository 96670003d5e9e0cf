"""Cities service: city tenants, cohorts, the phase state machine, working groups, plugins.

The composition root: the service's dependencies, ``__init__`` and ``ping``. Every other
entrypoint comes from a handler mixin in ``handlers/``, one module per aggregate.
"""

from __future__ import annotations

from services.cities.handlers.audit import AuditHandlers
from services.cities.handlers.barrier_reports import BarrierReportHandlers
from services.cities.handlers.base import SERVICE
from services.cities.handlers.districts import DistrictHandlers
from services.cities.handlers.facts import TALLY_QUEUE, FactHandlers, tally_keys
from services.cities.handlers.invitations import InvitationHandlers
from services.cities.handlers.legal import LegalHandlers
from services.cities.handlers.newsletter import NewsletterHandlers
from services.cities.handlers.newsletter_sending import NewsletterSendingHandlers
from services.cities.handlers.phase_changes import PhaseChangeHandlers
from services.cities.handlers.plugin_settings import PluginSettingHandlers
from services.cities.handlers.role_invitations import RoleInvitationHandlers
from services.cities.handlers.sign_videos import SignVideoHandlers
from services.cities.handlers.tenants import TenantHandlers
from services.cities.handlers.working_groups import WorkingGroupHandlers
from services.cities.models import MODELS, City
from services.cities.privacy import PERSONAL_DATA
from services.cities.tally_models import TALLY_MODELS
from services.kit.config import load_settings
from services.kit.context import Caller, CallerProvider
from services.kit.db import ServiceDatabase
from services.kit.mail import Mailer
from services.kit.operations import OperationsMixin
from services.kit.outbox import Outbox
from services.kit.personal_data import PersonalDataMixin
from services.kit.purge import PurgeMixin
from services.kit.rpc import rpc
from services.kit.rpc_replies import RpcProxy
from services.kit.tokens import SignedTokens

# TALLY_QUEUE and tally_keys live with their consumer (handlers/facts.py: the queue is a
# decorator argument there) and are named here too, where readers and tests look for them.
__all__ = ["SERVICE", "TALLY_QUEUE", "CitiesService", "tally_keys"]

INVITATION_TTL = 14 * 24 * 3600


class CitiesService(
    TenantHandlers,
    PhaseChangeHandlers,
    WorkingGroupHandlers,
    InvitationHandlers,
    RoleInvitationHandlers,
    AuditHandlers,
    PluginSettingHandlers,
    LegalHandlers,
    FactHandlers,
    BarrierReportHandlers,
    SignVideoHandlers,
    DistrictHandlers,
    NewsletterHandlers,
    NewsletterSendingHandlers,
    OperationsMixin,
    PurgeMixin,
    PersonalDataMixin,
):
    name = SERVICE
    # What this service holds about a person (the data export): cities/privacy.py.
    PERSONAL_DATA = PERSONAL_DATA
    SERVICE_LABEL = "Städte und Arbeitsgruppen"

    # OperationsMixin finds the documents through this attribute of the composed class.
    db = ServiceDatabase(SERVICE, models=(*MODELS, *TALLY_MODELS))
    outbox = Outbox(SERVICE)
    mail = Mailer(SERVICE)
    caller: Caller = CallerProvider()
    identity = RpcProxy("identity")

    def __init__(self) -> None:
        self.settings = load_settings()
        self.tokens = SignedTokens(self.settings.secret_key, INVITATION_TTL)

    @rpc
    def personal_data_export(self, account_id: str) -> dict:
        # Newsletter subscriptions are kept by address: those of the account's address join
        # the account first (NewsletterHandlers), so the export and a deletion find them.
        if self.caller.user_id == account_id or self.caller.operator:
            self._link_subscriptions(account_id)
        return PersonalDataMixin.personal_data_export(self, account_id)

    @rpc
    def ping(self) -> str:
        City.objects.limit(1).first()
        return "ok"
