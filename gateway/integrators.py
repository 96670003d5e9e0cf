"""What a third-party integrator may do on the broker, as RabbitMQ permissions (pure rules).

An integrator ``acme`` gets the broker user ``integrator-acme`` on the platform's vhost:

- it may create, bind and read only queues named ``integrator.acme.<anything>``;
- it may read from the public topic exchange ``stadtdialog.public`` but bind to it only with
  routing keys of its cities (RabbitMQ topic permissions: the read pattern is checked against
  the binding key), so ``musterstadt.#`` is allowed for a Musterstadt integrator and ``#`` or
  ``*.dialogue.#`` are refused — they would reach other cities;
- it may publish nowhere and declare no exchange (a passive declare needs no permission);
- its queues that nobody consumes expire after a set time (a policy), so abandoned queues do
  not fill the broker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PUBLIC_EXCHANGE = "stadtdialog.public"  # services/kit/events.py PUBLIC_EXCHANGE
USER_PREFIX = "integrator-"
QUEUE_PREFIX = "integrator."
NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
NOTHING = "^$"  # a RabbitMQ permission pattern no name matches
DEFAULT_QUEUE_EXPIRY_DAYS = 7


@dataclass(frozen=True)
class IntegratorAccess:
    user: str
    configure: str
    write: str
    read: str
    topic_read: str
    queue_prefix: str
    policy: str
    policy_pattern: str


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise ValueError(
            "Der Name eines Integrators besteht aus Kleinbuchstaben, Ziffern und "
            "Bindestrichen (höchstens 40 Zeichen), z. B. stadtwerke-app."
        )
    return name


def access_for(name: str, cities: list[str]) -> IntegratorAccess:
    """The permissions of integrator ``name`` reading ``cities`` (slugs)."""
    check_name(name)
    if not cities:
        raise ValueError("Mindestens eine Stadt angeben (--city).")
    queues = "^" + re.escape(f"{QUEUE_PREFIX}{name}.") + ".+$"
    keys = "|".join(re.escape(slug) for slug in sorted(set(cities)))
    return IntegratorAccess(
        user=USER_PREFIX + name,
        configure=queues,
        # queue.bind needs write on the queue and read on the exchange.
        write=queues,
        read=f"^(?:{re.escape(PUBLIC_EXCHANGE)}|{queues[1:-1]})$",
        # Binding keys of its cities only: "<slug>." then anything; "#" or "*." never match.
        topic_read=rf"^(?:{keys})\.",
        queue_prefix=f"{QUEUE_PREFIX}{name}.",
        policy=f"{USER_PREFIX}{name}-queues",
        policy_pattern="^" + re.escape(f"{QUEUE_PREFIX}{name}."),
    )


def cities_of(topic_read: str) -> list[str]:
    """The city slugs back out of a topic read pattern made by :func:`access_for`."""
    inner = re.fullmatch(r"\^\(\?:(.*)\)\\\.", topic_read)
    if not inner:
        return []
    return [re.sub(r"\\(.)", r"\1", part) for part in inner.group(1).split("|")]
