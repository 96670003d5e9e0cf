"""Page language: German first, English second (flask-babel).

Templates are written in German; ``gateway/translations/en`` holds the English catalogue
(compiled by ``deploy/local/bootstrap``). The language is chosen by ``?lang=``, then the
person's earlier choice (session); otherwise German, whatever the browser prefers, because the
dialogue is a German city's and German comes first.
"""

from __future__ import annotations

from flask import Flask, request, session
from flask_babel import Babel

LANGUAGES = ("de", "en")


def select_locale() -> str:
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return "de"


def init_babel(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "de")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    Babel(app, locale_selector=select_locale)
