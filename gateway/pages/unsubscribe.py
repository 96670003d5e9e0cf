"""One-click unsubscribe (RFC 8058) for the mails a person may switch off.

The mail's ``List-Unsubscribe`` header names ``/mail/abbestellen?token=…``; a mail program
posts ``List-Unsubscribe=One-Click`` to it, a person who opens it in a browser sees what it
switches off and a button (a GET never changes anything: link scanners open links). The signed
token is the authorisation, so the blueprint is exempt from the CSRF check (a mail program has
no CSRF token); identity checks the token and stores the choice.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.my_area import MAIL_KINDS
from gateway.pages.rendering import page_errors, render
from services.kit.errors import DomainError
from services.kit.mail_choices import NEWSLETTER, PATH, unsubscribe_kind, unsubscribe_tokens

bp = Blueprint("pages_unsubscribe", __name__)


def _label(kind: str) -> str:
    if kind == NEWSLETTER:
        return _("Newsletter einer Stadt")
    return next(_(label) for k, label, _hint in MAIL_KINDS if k == kind)


def _failed(exc: DomainError) -> tuple[str, int]:
    return render(
        "message.html",
        exc.status if 400 <= exc.status < 500 else 422,
        title=_("Abbestellen nicht möglich"),
        text=page_errors(exc)["summary"],
        link=url_for("pages.account"),
        link_text=_("Einstellungen in Mein Bereich"),
    )


@bp.get(PATH)
def ask() -> tuple[str, int]:
    token = request.args.get("token", "")
    try:
        kind = unsubscribe_kind(unsubscribe_tokens(current_app.secret_key), token)
    except DomainError as exc:
        return _failed(exc)
    return render(
        "unsubscribe.html", token=token, label=_label(kind), newsletter=kind == NEWSLETTER
    )


@bp.post(PATH)
def unsubscribe() -> tuple[str, int]:
    token = request.args.get("token", "") or request.form.get("token", "")
    try:
        kind = unsubscribe_kind(unsubscribe_tokens(current_app.secret_key), token)
        if kind == NEWSLETTER:  # an address, not an account: the cities service keeps it
            left = rpc("cities", "newsletter_unsubscribe", {"token": token})
        else:
            done = rpc("identity", "unsubscribe", {"token": token})
    except DomainError as exc:
        return _failed(exc)
    if kind == NEWSLETTER:
        # A second click (or a city gone since) finds no subscription: the same news, no city.
        text = (
            _(
                "Du bekommst den Newsletter %(city)s nicht mehr. Deine Adresse ist gelöscht.",
                city=left["city_name"],
            )
            if left["city_name"]
            else _("Du bekommst diesen Newsletter nicht mehr. Deine Adresse ist gelöscht.")
        )
        return render("message.html", title=_("Abbestellt"), text=text)
    return render(
        "message.html",
        title=_("Abbestellt"),
        text=_(
            "Du bekommst diese Mails nicht mehr: %(label)s. In Mein Bereich kannst Du sie "
            "wieder einschalten.",
            label=_label(done["kind"]),
        ),
        link=url_for("pages.account"),
        link_text=_("Zu Mein Bereich"),
    )
