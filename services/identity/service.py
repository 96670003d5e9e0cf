"""Identity service: accounts, verification, login sessions, roles per city, organisations.

The composition root: the service's dependencies, ``__init__`` and ``ping``. Every other
entrypoint comes from a handler mixin in ``handlers/``, one module per aggregate.
"""

from __future__ import annotations

from services.identity.handlers.calendar_feed import CalendarFeedHandlers
from services.identity.handlers.consents import ConsentHandlers
from services.identity.handlers.mail_settings import MailSettingsHandlers
from services.identity.handlers.organisations import OrganisationHandlers
from services.identity.handlers.password_reset import PasswordResetHandlers
from services.identity.handlers.personal_data import PersonalDataHandlers
from services.identity.handlers.profile import ProfileHandlers
from services.identity.handlers.registration import RegistrationHandlers
from services.identity.handlers.roles import RoleHandlers
from services.identity.handlers.sessions import SessionHandlers
from services.identity.lockout import LockoutPolicy
from services.identity.models import Account, Consent, LoginFailure, Session, UsedToken
from services.identity.tokens import TokenSigner
from services.kit.config import load_settings
from services.kit.context import Caller, CallerProvider
from services.kit.db import ServiceDatabase
from services.kit.mail import Mailer
from services.kit.operations import OperationsMixin
from services.kit.outbox import Outbox
from services.kit.purge import PurgeMixin
from services.kit.rpc import rpc
from services.kit.rpc_replies import RpcProxy

SERVICE = "identity"


class IdentityService(
    RegistrationHandlers,
    SessionHandlers,
    ProfileHandlers,
    MailSettingsHandlers,
    PasswordResetHandlers,
    PersonalDataHandlers,
    ConsentHandlers,
    CalendarFeedHandlers,
    RoleHandlers,
    OrganisationHandlers,
    OperationsMixin,
    PurgeMixin,
):
    name = SERVICE

    # OperationsMixin finds the documents through this attribute of the composed class.
    db = ServiceDatabase(SERVICE, models=(Account, Session, UsedToken, LoginFailure, Consent))
    outbox = Outbox(SERVICE)
    mail = Mailer(SERVICE)
    caller: Caller = CallerProvider()
    cities = RpcProxy("cities")  # the privacy notice's current version (consents)

    def __init__(self) -> None:
        self.settings = load_settings()
        self.signer = TokenSigner(self.settings.secret_key, self.settings.token_ttl_seconds)
        self.lockout = LockoutPolicy.from_environment()

    @rpc
    def ping(self) -> str:
        """Readiness: answers only when the service and its database are up."""
        Account.objects.limit(1).first()
        return "ok"
