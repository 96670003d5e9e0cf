"""The cities service: tenants, their phases, working groups, plugin settings and facts.

Importing any module of the package hands the service's German texts to the kit, so every
process that can raise one of its messages can also answer it in German.
"""

from services.cities.messages_de import GERMAN
from services.kit.i18n import register_messages

register_messages(GERMAN)
