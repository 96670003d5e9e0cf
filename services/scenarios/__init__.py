"""The scenarios service: the scenario project of a city, from factors to assessments.

Importing any module of the package hands the service's German texts to the kit, so every
process that can raise one of its messages can also answer it in German.
"""

from services.kit.i18n import register_messages
from services.scenarios.messages_de import GERMAN

register_messages(GERMAN)
