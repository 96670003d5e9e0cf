"""A city's newsletter: subscriptions (double opt-in, for anyone) and issues (city admins).

Subscribing answers the same whatever the address's state (new, waiting, confirmed): nobody
learns from the answer who subscribed. A confirmation mail goes out for a new or unconfirmed
address (again at most every ``ASK_AGAIN_AFTER`` seconds); nothing else is sent before the
link in it is followed. Unsubscribing deletes the subscription. Sending an issue:
``newsletter_sending.py``.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from mongoengine.errors import NotUniqueError

from services.cities.handlers.base import ADMIN, CitiesBase, _now, issue_view
from services.cities.models import (
    City,
    NewsletterDelivery,
    NewsletterIssue,
    NewsletterSubscription,
)
from services.cities.newsletter import (
    ASK_AGAIN_AFTER,
    CONFIRM_TTL,
    confirm_mail,
    subscription_key,
    trial_mail,
)
from services.cities.schemas import (
    NewsletterIssueSchema,
    NewsletterSubscribeSchema,
    NewsletterTokenSchema,
)
from services.kit.errors import Conflict, NotFound
from services.kit.mail_choices import read_newsletter_unsubscribe, unsubscribe_tokens
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.kit.tokens import SignedTokens

CONFIRM_PURPOSE = "newsletter-confirm"


def _aware(value: Any) -> Any:
    return value if value is None or value.tzinfo else value.replace(tzinfo=_now().tzinfo)


class NewsletterHandlers(CitiesBase):
    # ------------------------------------------------------------------ subscriptions
    @rpc
    def newsletter_subscribe(self, slug: str, data: dict[str, Any]) -> dict[str, Any]:
        values = load(NewsletterSubscribeSchema(), data)
        city = self._city(slug)
        self._require_active(city)
        email = values["email"].strip().lower()
        key = subscription_key(city.id, email)
        own = self._own_address(email)
        sub = NewsletterSubscription.objects(id=key).first()
        if sub is None:
            sub = NewsletterSubscription(
                id=key, city=city.id, email=email, ref=secrets.token_urlsafe(18), account_id=own
            )
            try:
                sub.save(force_insert=True)
            except NotUniqueError:
                return {"asked": True}  # the same address at the same moment: one mail is enough
        elif sub.confirmed_at is not None:
            return {"asked": True}  # harmless: already receiving it, nothing sent
        elif (_now() - _aware(sub.asked_at)) < timedelta(seconds=ASK_AGAIN_AFTER):
            return {"asked": True}  # no mail bombing of an address by repeated requests
        else:
            sub.asked_at = _now()
            if own:
                sub.account_id = own
            sub.save()
        token = self._confirm_tokens().sign(CONFIRM_PURPOSE, {"r": sub.ref})
        link = f"{self.settings.public_base_url}/newsletter/bestaetigen?token={token}"
        self.mail.send(email, *confirm_mail(city.name, link))
        return {"asked": True}

    def _own_address(self, email: str) -> str | None:
        """The caller's account id when they subscribe their account's address (their export
        and deletion then find it)."""
        user = self.caller.user_id
        if not user:
            return None
        try:
            account = self.identity.account_summary(user)
        except Exception:  # noqa: BLE001 - the subscription works without the link
            return None
        return user if str(account.get("email", "")).lower() == email else None

    def _confirm_tokens(self) -> SignedTokens:
        return SignedTokens(self.settings.secret_key, CONFIRM_TTL)

    @rpc
    def newsletter_confirm(self, data: dict[str, Any]) -> dict[str, Any]:
        """Follow the confirmation link: from now on the address receives the issues."""
        values = load(NewsletterTokenSchema(), data)
        claims = self._confirm_tokens().read(CONFIRM_PURPOSE, values["token"], required=("r",))
        sub = NewsletterSubscription.objects(ref=claims["r"]).first()
        if sub is None:
            raise NotFound("Subscription not found.")
        if sub.confirmed_at is None:
            sub.confirmed_at = _now()
            sub.save()
        return {"city": sub.city, "city_name": self._city(sub.city).name}

    @rpc
    def newsletter_unsubscribe(self, data: dict[str, Any]) -> dict[str, Any]:
        """One click from the mail (no sign-in: the signed token is the authorisation).
        A second click finds nothing and answers the same."""
        values = load(NewsletterTokenSchema(), data)
        ref = read_newsletter_unsubscribe(
            unsubscribe_tokens(self.settings.secret_key), values["token"]
        )
        sub = NewsletterSubscription.objects(ref=ref).first()
        if sub is None:
            return {"city": None, "city_name": None}
        city = City.objects(id=sub.city).first()
        self._drop_subscriptions([sub])
        return {"city": sub.city, "city_name": city.name if city else None}

    def _drop_subscriptions(self, subs: list[NewsletterSubscription]) -> None:
        ids = [s.id for s in subs]
        if ids:
            for city in {s.city for s in subs}:  # deliveries are tenant documents
                NewsletterDelivery.scoped(city, subscription_id__in=ids, queued=False).delete()
            NewsletterSubscription.objects(id__in=ids).delete()

    @rpc
    def newsletter_recipients(self, slug: str) -> dict[str, int]:
        """How many confirmed addresses an issue would reach now (city admins)."""
        self._require(slug, ADMIN, active_only=False)
        count = NewsletterSubscription.objects(city=slug, confirmed_at__ne=None).count()
        return {"recipients": count}

    # ------------------------------------------------------------------ issues
    @rpc
    def newsletter_issues(self, slug: str) -> list[dict[str, Any]]:
        """All issues of a city, newest first (city admins)."""
        self._require(slug, ADMIN, active_only=False)
        issues = NewsletterIssue.scoped(slug).order_by("-created_at").limit(500)
        return [issue_view(i, with_body=False) for i in issues]

    @rpc
    def newsletter_archive(self, slug: str) -> list[dict[str, Any]]:
        """The sent issues of a city, newest first (public)."""
        self._city(slug)
        issues = NewsletterIssue.scoped(slug, status="sent").order_by("-sent_at").limit(500)
        return [issue_view(i, with_body=False) for i in issues]

    @rpc
    def newsletter_issue(self, slug: str, issue_id: str) -> dict[str, Any]:
        """A sent issue for anyone; a draft only for the city's admins (as not found else)."""
        issue = self._issue(slug, issue_id)
        if issue.status != "sent" and not self.caller.has_role(slug, *ADMIN):
            raise NotFound("Newsletter issue not found.")
        return issue_view(issue)

    @rpc
    def newsletter_save_issue(
        self, slug: str, data: dict[str, Any], issue_id: str | None = None
    ) -> dict[str, Any]:
        """Write a new draft or change one (a sent issue stays as it was sent)."""
        self._require(slug, ADMIN)
        values = load(NewsletterIssueSchema(), data)
        if issue_id:
            issue = self._issue(slug, issue_id)
            if issue.status != "draft":
                raise Conflict(
                    "The issue has been sent and can no longer be changed.",
                    {"status": ["The issue has been sent and can no longer be changed."]},
                )
            issue.title, issue.body, issue.updated_at = values["title"], values["body"], _now()
        else:
            issue = NewsletterIssue(city=slug, created_by=self.caller.user_id, **values)
        issue.save()
        return issue_view(issue)

    @rpc
    def newsletter_test_mail(self, slug: str, issue_id: str) -> dict[str, Any]:
        """The issue as a test mail to the admin's own account address only."""
        city = self._require(slug, ADMIN)
        issue = self._issue(slug, issue_id)
        email = self.identity.account_summary(self.caller.user_id)["email"]
        archive = f"{self.settings.public_base_url}/stadt/{slug}/newsletter"
        self.mail.send(email, *trial_mail(city.name, issue.title, issue.body, archive))
        return {"sent_to": email}

    def _forget_subscriber(self, account_id: str) -> None:
        """A deleted account's subscriptions go (linked by ``_own_address`` or the export)."""
        self._drop_subscriptions(list(NewsletterSubscription.objects(account_id=account_id)))

    def _link_subscriptions(self, account_id: str) -> None:
        """Subscriptions of the account's current address belong to the account: its export
        shows them and its deletion deletes them."""
        try:
            email = str(self.identity.account_summary(account_id)["email"]).lower()
        except Exception:  # noqa: BLE001 - the export still shows what is linked already
            return
        NewsletterSubscription.objects(email=email, account_id__ne=account_id).update(
            set__account_id=account_id
        )
