"""The events service: closing events, their registrations, results and next steps.

Importing any module of the package hands the service's German texts to the kit, so every
process that can raise one of its messages can also answer it in German.
"""

from services.events.messages_de import GERMAN
from services.kit.i18n import register_messages

register_messages(GERMAN)
