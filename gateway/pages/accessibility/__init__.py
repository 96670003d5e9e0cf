"""Accessibility pages (blueprint ``pages_a11y``): "Barriere melden" and the reports' list
(``reports``), the Leichte-Sprache section (``easy_read``) and the sign-language videos
(``sign_language``). Importing the package registers every route and the city page's DGS
section."""

from gateway.pages.accessibility import easy_read, reports, sign_language
from gateway.pages.accessibility.base import bp

__all__ = ["bp", "easy_read", "reports", "sign_language"]
