"""Texts of the cities service's invitation mails: German first, English below."""

from __future__ import annotations


def admin_invitation(city_name: str, link: str) -> tuple[str, str]:
    subject = f"Stadtdialog {city_name}: Einladung als Stadt-Admin / Invitation as city admin"
    body = f"""Guten Tag,

{city_name} nimmt am Stadtdialog teil, und Sie wurden als Administratorin oder Administrator
der Stadt eingeladen. Melden Sie sich an (oder registrieren Sie sich mit dieser E-Mail-Adresse)
und nehmen Sie die Einladung über diesen Link an:
{link}

Der Link ist 14 Tage gültig und kann einmal verwendet werden, nur mit dieser E-Mail-Adresse.

---

{city_name} takes part in Stadtdialog and you have been invited as the city's admin. Sign in
(or register with this e-mail address) and accept the invitation with the link above.
The link is valid for 14 days and can be used once, only with this e-mail address.
"""
    return subject, body


ROLE_NAMES = {
    "city_admin": ("Stadt-Admin", "city admin"),
    "partner": ("Partner der Stadt", "city partner"),
    "facilitator": ("Szenario-Begleitung", "scenario facilitator"),
}


def role_invitation(city_name: str, role: str, link: str) -> tuple[str, str]:
    german, english = ROLE_NAMES.get(role, (role, role))
    subject = f"Stadtdialog {city_name}: Einladung als {german} / Invitation as {english}"
    body = f"""Guten Tag,

Sie wurden im Stadtdialog {city_name} eingeladen, als {german} mitzuwirken. Melden Sie sich an
(oder registrieren Sie sich mit dieser E-Mail-Adresse) und nehmen Sie die Einladung über diesen
Link an:
{link}

Der Link ist 14 Tage gültig und kann einmal verwendet werden, nur mit dieser E-Mail-Adresse.

---

You have been invited to take part in Stadtdialog {city_name} as {english}. Sign in (or
register with this e-mail address) and accept the invitation with the link above.
The link is valid for 14 days and can be used once, only with this e-mail address.
"""
    return subject, body


def working_group_invitation(city_name: str, group: str, link: str) -> tuple[str, str]:
    subject = f"Stadtdialog {city_name}: Einladung in die Arbeitsgruppe „{group}“"
    body = f"""Guten Tag,

Sie sind eingeladen, in der Arbeitsgruppe „{group}“ des Stadtdialogs {city_name} mitzuwirken.
Die Arbeitsgruppe begleitet den Prozess vom Auftakt bis zum Abschluss. Melden Sie sich an (oder
registrieren Sie sich mit dieser E-Mail-Adresse) und nehmen Sie die Einladung hier an:
{link}

Der Link ist 14 Tage gültig und kann einmal verwendet werden, nur mit dieser E-Mail-Adresse.

---

You are invited to join the working group "{group}" of Stadtdialog {city_name}. Sign in (or
register with this e-mail address) and accept with the link above. The link is valid for
14 days and can be used once, only with this e-mail address.
"""
    return subject, body


def barrier_report(
    where: str, reference: str, page: str, description: str, reply_to: str | None, link: str
) -> tuple[str, str]:
    """To the city's contact (or the operator's): a barrier was reported. The reporter's text
    is quoted as plain text; the subject holds only the reference and the city's name."""
    subject = f"Stadtdialog {where}: Barriere gemeldet ({reference})"
    answer = (
        f"Die meldende Person bittet um Antwort an: {reply_to}"
        if reply_to
        else "Die meldende Person hat keine E-Mail-Adresse für eine Antwort angegeben."
    )
    body = f"""Guten Tag,

über die Plattform Stadtdialog ({where}) wurde eine Barriere gemeldet.

Aktenzeichen: {reference}
Seite: {page}

Beschreibung:
{description}

{answer}

Nach der Richtlinie (EU) 2016/2102 und der BITV 2.0 ist die Meldung in angemessener Frist zu
beantworten. Alle Meldungen und ihr Stand: {link}

---

A barrier was reported on Stadtdialog ({where}), reference {reference}. See the German text
above for the page, the description and whether the person asked for an answer.
"""
    return subject, body


def barrier_report_received(reference: str, page: str, description: str) -> tuple[str, str]:
    """To the reporter: the report arrived, with its reference number."""
    subject = f"Stadtdialog: Ihre Meldung einer Barriere ({reference})"
    body = f"""Guten Tag,

vielen Dank für Ihre Meldung einer Barriere. Sie ist bei uns angekommen.

Ihr Aktenzeichen: {reference}
Seite: {page}

Ihre Beschreibung:
{description}

Die zuständige Stelle antwortet Ihnen an diese E-Mail-Adresse. Bitte nennen Sie bei
Rückfragen das Aktenzeichen.

---

Thank you for reporting a barrier on Stadtdialog. Your reference number is {reference}.
The responsible office will answer you at this address.
"""
    return subject, body
