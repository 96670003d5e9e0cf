"""Barrier reports ("Barriere melden", BITV 2.0 § 7 feedback): anyone reports, the city's
contact (or the operator's, for the whole platform) is mailed, the reporter gets a reference
number; city admins and operators list the reports and mark them answered."""

from __future__ import annotations

import os
import random
import time
from typing import Any

from mongoengine.errors import NotUniqueError

from services.cities import mails
from services.cities.accessibility import PLATFORM, reference
from services.cities.handlers.base import ADMIN, CitiesBase, _iso, _now
from services.cities.models import BarrierReport
from services.cities.schemas import BarrierAnswerSchema, BarrierReportSchema
from services.kit.errors import Conflict, Invalid, NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load

# Who gets the platform-wide reports: STADTDIALOG_ACCESSIBILITY_EMAIL, else the first operator.
CONTACT_SETTING = "STADTDIALOG_ACCESSIBILITY_EMAIL"
PLATFORM_NAME = "Plattform"
# Concurrent reports race for the same next number; the loser tries the next one.
NUMBER_ATTEMPTS = 200


def platform_contact() -> str | None:
    own = os.environ.get(CONTACT_SETTING, "").strip()
    if own:
        return own
    operators = [a.strip() for a in os.environ.get("STADTDIALOG_OPERATOR_EMAILS", "").split(",")]
    return next((a for a in operators if a), None)


def _report_view(report: BarrierReport) -> dict[str, Any]:
    return {
        "reference": report.id,
        "city": None if report.city == PLATFORM else report.city,
        "page": report.page,
        "description": report.description,
        "email": report.email,
        "created_at": _iso(report.created_at),
        "answered": bool(report.answered),
        "answered_at": _iso(report.answered_at),
        "answer_note": report.answer_note,
    }


class BarrierReportHandlers(CitiesBase):
    @rpc
    def report_barrier(self, data: dict, request_key: str = "") -> dict[str, Any]:
        """Store a report under a new reference number and mail the contact (and the
        reporter, if they gave an address). ``request_key`` (made once per HTTP request by the
        gateway) makes a redelivered RPC answer with the same report instead of a second one."""
        values = load(BarrierReportSchema(), data)
        key = request_key if isinstance(request_key, str) and request_key else None
        if key:
            earlier = BarrierReport.objects(request_key=key).first()
            if earlier is not None:
                return _report_view(earlier)
        slug = values["city"]
        city = self._city(slug) if slug else None
        if city is not None:
            self._require_active(city)
        report = self._insert_numbered(
            city=city.id if city else PLATFORM,
            page=values["page"],
            description=values["description"],
            email=values["email"],
            account_id=self.caller.user_id or None,
            request_key=key,
        )
        where = city.name if city else PLATFORM_NAME
        contact = city.contact.email if city else platform_contact()
        listing = f"{self.settings.public_base_url}/barrierefreiheit/meldungen"
        if city:
            listing += f"?stadt={city.id}"
        if contact:
            self.mail.send(
                contact,
                *mails.barrier_report(
                    where, report.id, report.page, report.description, report.email, listing
                ),
            )
        if report.email:
            self.mail.send(
                report.email,
                *mails.barrier_report_received(report.id, report.page, report.description),
            )
        return _report_view(report)

    def _insert_numbered(self, **fields: Any) -> BarrierReport:
        """Insert under the year's next free number: the unique (year, number) index and the
        primary key make the insert the atomic claim, also on FerretDB."""
        year = _now().year
        for _ in range(NUMBER_ATTEMPTS):
            last = BarrierReport.objects(year=year).order_by("-number").only("number").first()
            number = (last.number if last else 0) + 1
            report = BarrierReport(id=reference(year, number), year=year, number=number, **fields)
            try:
                report.save(force_insert=True)
                return report
            except NotUniqueError:
                time.sleep(random.uniform(0, 0.01))  # let the winner's insert become visible
        raise Conflict("Too many reports at once; please try again.")

    @rpc
    def list_barrier_reports(self, city: str | None = None) -> list[dict[str, Any]]:
        """A city's reports (its admins, operators); without a city all (operators only)."""
        self.caller.require_authenticated()
        if city in (None, ""):
            if not self.caller.operator:
                raise Invalid(
                    "Reports are listed per city; give one.",
                    {"city": ["Reports are listed per city; give one."]},
                )
            reports = BarrierReport.objects.order_by("-created_at")
        elif city == PLATFORM:
            self.caller.require_operator()
            reports = BarrierReport.objects(city=PLATFORM).order_by("-created_at")
        else:
            self._require(city, ADMIN, active_only=False)
            reports = BarrierReport.objects(city=city).order_by("-created_at")
        return [_report_view(r) for r in reports.limit(500)]

    @rpc
    def answer_barrier_report(self, reference_text: str, data: dict) -> dict[str, Any]:
        """Mark a report answered (with an optional note); a repeat changes nothing."""
        values = load(BarrierAnswerSchema(), data if data is not None else {})
        self.caller.require_authenticated()
        report = (
            BarrierReport.objects(id=reference_text).first()
            if isinstance(reference_text, str)
            else None
        )
        if report is None:
            raise NotFound("Barrier report not found.")
        if report.city == PLATFORM:
            self.caller.require_operator()
        else:
            self.caller.require_role(report.city, *ADMIN)
        if not report.answered:
            report.answered = True
            report.answered_at = _now()
            report.answered_by = self.caller.user_id
            report.answer_note = values["note"]
            report.save()
        return _report_view(report)

    def _forget_reporter(self, account_id: str) -> None:
        """A deleted account's reports stay (the barrier is still real), without the person."""
        BarrierReport.objects(account_id=account_id).update(
            unset__email=True, unset__account_id=True
        )
