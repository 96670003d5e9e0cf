"""Dialogue service: topics, table talks, registrations, invitations, documentation, ideas.

The composition root: the nameko dependencies, ``__init__`` and ``ping``. The entrypoints
live in ``handlers/``, one mixin per aggregate; what they share is ``handlers/base.py``.
"""

from __future__ import annotations

from plugins.manager import default_host
from services.dialogue.handlers.base import SERVICE
from services.dialogue.handlers.comments import CommentHandlers
from services.dialogue.handlers.districts import DistrictHandlers
from services.dialogue.handlers.documentation import DocumentationHandlers
from services.dialogue.handlers.follows import FollowHandlers
from services.dialogue.handlers.guests import GUEST_TTL, GuestHandlers
from services.dialogue.handlers.ideas import IdeaHandlers
from services.dialogue.handlers.invitations import INVITATION_TTL, InvitationHandlers
from services.dialogue.handlers.notices import NoticeHandlers
from services.dialogue.handlers.notification_lists import NotificationListHandlers
from services.dialogue.handlers.notification_mails import NotificationMailHandlers
from services.dialogue.handlers.organisation_admin import OrganisationAdminHandlers
from services.dialogue.handlers.organisations import OrganisationSupportHandlers
from services.dialogue.handlers.personal_data import PersonalDataHandlers
from services.dialogue.handlers.registrations import RegistrationHandlers
from services.dialogue.handlers.search import SearchHandlers
from services.dialogue.handlers.talks import TalkHandlers
from services.dialogue.handlers.topics import TopicHandlers
from services.dialogue.models import MODELS, Talk
from services.kit.city_state import CityState, CityStateListener
from services.kit.config import load_settings
from services.kit.context import Caller, CallerProvider
from services.kit.db import ServiceDatabase
from services.kit.mail import Mailer
from services.kit.operations import OperationsMixin
from services.kit.outbox import Outbox
from services.kit.purge import PurgeMixin
from services.kit.rpc import rpc
from services.kit.rpc_replies import RpcProxy
from services.kit.tokens import SignedTokens


class DialogueService(
    TopicHandlers,
    TalkHandlers,
    RegistrationHandlers,
    InvitationHandlers,
    GuestHandlers,
    DocumentationHandlers,
    OrganisationSupportHandlers,  # builds on IdeaHandlers: before it
    IdeaHandlers,
    OrganisationAdminHandlers,
    PersonalDataHandlers,
    NoticeHandlers,
    FollowHandlers,
    NotificationListHandlers,
    NotificationMailHandlers,
    CommentHandlers,
    SearchHandlers,
    DistrictHandlers,
    CityStateListener,
    OperationsMixin,
    PurgeMixin,
):
    name = SERVICE

    # Kept on this class: OperationsMixin and PurgeMixin find the ServiceDatabase here.
    db = ServiceDatabase(SERVICE, models=MODELS)
    outbox = Outbox(SERVICE)
    mail = Mailer(SERVICE)  # mails may carry a talk's .ics file
    caller: Caller = CallerProvider()
    city_state = CityState(plugin_host=default_host)
    identity = RpcProxy("identity")
    cities = RpcProxy("cities")  # the privacy notice's version a guest agrees to
    scenarios = RpcProxy("scenarios")  # is a scenario published (comments)

    def __init__(self) -> None:
        self.settings = load_settings()
        self.invitations = SignedTokens(self.settings.secret_key, INVITATION_TTL)
        self.guest_tokens = SignedTokens(self.settings.secret_key, GUEST_TTL)

    @rpc
    def ping(self) -> str:
        Talk.scoped("_ping").first()
        return "ok"
