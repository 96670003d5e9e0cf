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
