"""Sending an issue to a city's confirmed subscribers, in batches, through the mail outbox.

``newsletter_send`` inserts one ``NewsletterDelivery`` per confirmed subscriber (``_id``
``"<issue>:<subscription>"``: inserting again inserts nothing) and then marks the issue
``sending``. A timer in every process of the service takes the next batch of deliveries not yet
queued, *claims* each (``services/cities/newsletter_claims.py``: an insert against a unique
``_id``, so exactly one process holds a delivery), and for the claimed ones stores the mail in
the mail outbox *held* under the key ``newsletter:<delivery>``, marks them queued, and releases
the held mails. So:

- nobody twice: two processes on the same batch never both store a mail (only the claim's
  holder does, and it looks again that the delivery is not queued after claiming); a process
  that dies before marking leaves a claim, taken over after ``CLAIM_TIMEOUT`` by a process
  whose store of the same key stores nothing (the held rows cannot have gone out);
- nobody zero times: a delivery is marked only after its mail is stored; a process that dies
  after marking and before releasing leaves held rows, which the last pass of the issue
  releases before it marks the issue sent;
- a failing address holds nobody up: the outbox sends each mail on its own (dead letters).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from nameko.timer import timer
from pymongo.errors import BulkWriteError

from services.cities.handlers.base import ADMIN, CitiesBase, _now, issue_view
from services.cities.models import (
    City,
    NewsletterDelivery,
    NewsletterIssue,
    NewsletterSubscription,
)
from services.cities.newsletter import BATCH, batches, issue_mail, subject
from services.cities.newsletter_claims import CLAIM_TIMEOUT, claim, lost
from services.cities.newsletter_claims import forget as forget_claims
from services.cities.schemas import NewsletterSendSchema
from services.kit.errors import Conflict
from services.kit.mail_choices import (
    newsletter_unsubscribe_link,
    unsubscribe_headers,
    unsubscribe_tokens,
)
from services.kit.rpc import rpc
from services.kit.schemas import load

SEND_EVERY_SECONDS = 2.0


def _mail_key(delivery_id: str) -> str:
    return f"newsletter:{delivery_id}"


class NewsletterSendingHandlers(CitiesBase):
    @rpc
    def newsletter_send(self, slug: str, issue_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """Send a draft to every confirmed subscriber. ``recipients`` is the number the admin
        confirmed; another number now (someone subscribed in between) asks again."""
        self._require(slug, ADMIN)
        values = load(NewsletterSendSchema(), data)
        issue = self._issue(slug, issue_id)
        if issue.status != "draft":
            return issue_view(issue)  # a second click sends nothing more
        subs = NewsletterSubscription.objects(city=slug, confirmed_at__ne=None).only("id")
        ids = [s.id for s in subs]
        if len(ids) != values["recipients"]:
            message = "The number of recipients has changed; please confirm again."
            raise Conflict(message, {"recipients": [message]})
        for chunk in batches(ids, 500):
            docs = [
                NewsletterDelivery(
                    id=f"{issue.id}:{sub}", city=slug, issue_id=str(issue.id), subscription_id=sub
                ).to_mongo()
                for sub in chunk
            ]
            try:
                NewsletterDelivery._get_collection().insert_many(docs, ordered=False)
            except BulkWriteError:
                pass  # an earlier attempt inserted some: they are the same deliveries
        issue.status = "sending"
        issue.sent_by = self.caller.user_id
        issue.recipients = len(ids)
        issue.save()
        self._audit(slug, "newsletter.sent", {"issue": str(issue.id), "recipients": len(ids)})
        return issue_view(issue)

    @timer(interval=SEND_EVERY_SECONDS)
    def send_newsletter_batches(self) -> None:
        self._send_newsletter_batches()

    def _send_newsletter_batches(self) -> int:
        """One batch of every issue being sent; how many mails were queued."""
        queued = 0
        slugs = [c.id for c in City.objects.only("id")]
        sending = NewsletterIssue.across_cities(slugs, status="sending") if slugs else []
        for issue in sending:
            queued += self._send_batch(issue)
        return queued

    def _send_batch(self, issue: NewsletterIssue) -> int:
        slug, issue_id = issue.city, str(issue.id)
        pending = list(
            NewsletterDelivery.scoped(slug, issue_id=issue_id, queued=False).limit(BATCH)
        )
        if not pending:
            self._finish(issue)
            return 0
        claims = self.db["newsletter_claims"]
        claimed_at = _now()
        held = claim(claims, issue_id, [d.id for d in pending], claimed_at)
        # Another process may take a claim over once it is CLAIM_TIMEOUT old; this one stops
        # storing at half that age, so a process that froze mid-batch leaves the rest to the
        # taker instead of storing, after it woke, a mail the taker already sent.
        store_until = claimed_at + timedelta(seconds=CLAIM_TIMEOUT / 2)
        # Claimed, and still not queued: a process whose batch was older finds it queued.
        pending = (
            list(NewsletterDelivery.scoped(slug, id__in=list(held), queued=False)) if held else []
        )
        if not pending:
            return 0
        city = City.objects(id=slug).first()
        subs = {
            s.id: s
            for s in NewsletterSubscription.objects(
                city=slug, id__in=[d.subscription_id for d in pending]
            )
        }
        tokens = unsubscribe_tokens(self.settings.secret_key)
        base = self.settings.public_base_url
        archive = f"{base}/stadt/{slug}/newsletter"
        keys, handled = [], []
        for delivery in pending:
            if _now() > store_until:
                break  # the rest stays claimed until its claims expire, then anyone takes it
            handled.append(delivery.id)
            sub = subs.get(delivery.subscription_id)
            if sub is None:
                continue  # unsubscribed since the send began: marked below, nothing sent
            link = newsletter_unsubscribe_link(tokens, base, sub.ref)
            body = issue_mail(city.name, issue.title, issue.body, link, archive)
            key = _mail_key(delivery.id)
            self.mail.send(
                sub.email,
                subject(city.name, issue.title),
                body,
                headers=unsubscribe_headers(link),
                key=key,
                held=True,
            )
            keys.append(key)
        # A process that froze past the claim's timeout leaves marking and releasing to the
        # one that took its claim over (that one's store found our row: one mail).
        gone = lost(claims, [held[d] for d in handled])
        ours = [d for d in handled if held[d] not in gone]
        NewsletterDelivery.scoped(slug, id__in=ours).update(set__queued=True)
        ours_keys = {_mail_key(d) for d in ours}
        released = [k for k in keys if k in ours_keys]
        self.mail.release(released)
        return len(released)

    def _finish(self, issue: NewsletterIssue) -> None:
        """Release what a process that died between marking and releasing left held, then
        the issue is sent (it appears in the archive)."""
        done = NewsletterDelivery.scoped(issue.city, issue_id=str(issue.id)).only("id")
        for chunk in batches((d.id for d in done), 500):
            self.mail.release([_mail_key(d) for d in chunk])
        issue.status = "sent"
        issue.sent_at = _now()
        issue.save()
        forget_claims(self.db["newsletter_claims"], str(issue.id))
        city = City.objects(id=issue.city).first()
        if city is not None:
            # The archive pages are kept in the gateway's public cache, which every fact of
            # this service empties; the other services' cached city state does not change.
            self._changed(city, tallies_only=True)
