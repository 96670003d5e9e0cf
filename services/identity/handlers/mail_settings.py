"""Which reminders and summaries a person gets (``services/kit/mail_choices.py``): switched in
Mein Bereich, or off with one click from the mail's ``List-Unsubscribe`` link. Services that
send such a mail read the choice from ``account_summary`` (``mail_off``)."""

from __future__ import annotations

from typing import Any

from services.identity.handlers.base import IdentityBase
from services.identity.schemas import MailSettingsSchema, UnsubscribeSchema
from services.kit.errors import NotFound
from services.kit.mail_choices import MAIL_KINDS, read_unsubscribe, unsubscribe_tokens
from services.kit.rpc import rpc
from services.kit.schemas import load


class MailSettingsHandlers(IdentityBase):
    @rpc
    def set_mail_settings(self, data: dict[str, Any]) -> dict[str, Any]:
        """``{"host_summary": bool, "talk_reminder": bool}``: true means the person wants it."""
        account = self._account(self.caller.require_authenticated())
        wanted = load(MailSettingsSchema(), data)
        account.mail_off = [kind for kind in MAIL_KINDS if not wanted[kind]]
        account.notification_mail = wanted["notification_mail"]
        account.save()
        self._account_changed(account.id, "mail_settings")  # the caller context carries them
        return {"mail_off": list(account.mail_off)}

    @rpc
    def unsubscribe(self, data: dict[str, Any]) -> dict[str, Any]:
        """The one-click link of a mail: no sign-in, the signed token names account and kind.
        Repeating it changes nothing; a deleted account answers as if done (nothing to mail)."""
        token = load(UnsubscribeSchema(), data)["token"]
        account_id, kind = read_unsubscribe(unsubscribe_tokens(self.settings.secret_key), token)
        try:
            account = self._account(account_id)
        except NotFound:
            return {"kind": kind, "off": True}
        if kind not in (account.mail_off or ()):
            # A list update, not $addToSet: FerretDB writes back what it read either way.
            account.mail_off = [*(account.mail_off or ()), kind]
            account.save()
            self._account_changed(account.id, "mail_settings")
        return {"kind": kind, "off": True}
