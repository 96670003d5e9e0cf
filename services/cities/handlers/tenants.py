"""City tenants and yearly cohorts: create, list, archive, and the state other services read."""

from __future__ import annotations

from typing import Any

from mongoengine.errors import NotUniqueError

from services.cities import mails
from services.cities.handlers.base import INVITE_ADMIN, CitiesBase
from services.cities.models import City, CohortSeat, Contact
from services.cities.schemas import FIRST_COHORT, LAST_COHORT, CityCreateSchema
from services.kit.errors import Conflict, Invalid, NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load

# The phase history's reason when an operator archives a city (a person reads it).
OPERATOR_ARCHIVED = "Vom Betrieb archiviert."
COHORT_SIZE = 10


class TenantHandlers(CitiesBase):
    @rpc
    def create_city(self, data: dict[str, Any]) -> dict[str, Any]:
        self.caller.require_operator()
        values = load(CityCreateSchema(), data)
        slug, year = values["slug"], values["cohort_year"]
        if City.objects(id=slug).first() is not None:
            raise Conflict("This slug is taken.", {"slug": ["This slug is taken."]})
        seat = self._claim_seat(year, slug)
        city = City(
            id=slug,
            name=values["name"],
            state=values["state"],
            population=values["population"],
            mayor=values["mayor"],
            contact=Contact(**values["contact"]),
            cohort_year=year,
            languages=values["languages"],
            hosts=values["hosts"],
            created_by=self.caller.user_id,
        )
        try:
            city.save(force_insert=True)
        except NotUniqueError as exc:  # a concurrent creation took the slug: give the seat back
            seat.delete()
            raise Conflict("This slug is taken.", {"slug": ["This slug is taken."]}) from exc
        token = self.tokens.sign(
            INVITE_ADMIN,
            {"c": slug, "e": values["admin_email"].lower(), "b": self.caller.user_id},
        )
        self.mail.send(values["admin_email"], *mails.admin_invitation(city.name, self._link(token)))
        self.outbox.add(
            "city",
            "created",
            {
                "slug": slug,
                "name": city.name,
                "cohort_year": year,
                "state": city.state,
            },
            city=slug,
            subject=slug,
            public=True,
        )
        return self._city_view(city)

    def _claim_seat(self, year: int, slug: str) -> CohortSeat:
        # Inserting a seat with a unique _id is atomic even on FerretDB: ten seats, ten winners.
        taken = {s.id for s in CohortSeat.objects(year=year)}
        for number in range(1, COHORT_SIZE + 1):
            seat_id = f"{year}:{number:02d}"
            if seat_id in taken:
                continue
            try:
                return CohortSeat(id=seat_id, year=year, city=slug).save(force_insert=True)
            except NotUniqueError:
                continue
        message = "The cohort of this year is full (at most ten cities per year)."
        raise Conflict(message, {"cohort_year": [message]})

    @rpc
    def list_cities(self, include_archived: bool = False) -> list[dict[str, Any]]:
        query = (
            City.objects
            if include_archived and self.caller.operator
            else City.objects(status="active")
        )
        return [self._city_view(c) for c in query.order_by("cohort_year", "name")]

    @rpc
    def get_city(self, slug: str) -> dict[str, Any]:
        return self._city_view(self._city(slug))

    @rpc
    def archive_city(self, slug: str) -> dict[str, Any]:
        self.caller.require_operator()
        city = self._city(slug)
        if city.phase == "archived" and city.status == "archived":
            return self._city_view(city)
        if city.phase != "archived":  # the same end as a city admin's last phase step
            previous, city.phase = city.phase, "archived"
            city.save()
            self._record_phase_change(city, previous, OPERATOR_ARCHIVED)
        self._mark_archived(city)
        self._changed(city)
        return self._city_view(city)

    @rpc
    def cohort(self, year: int) -> dict[str, Any]:
        if not isinstance(year, int) or isinstance(year, bool):
            raise Invalid(fields={"year": ["Not a valid integer."]})
        # Only the years a city may join (CitySchema); larger numbers broke the database query.
        if not FIRST_COHORT <= year <= LAST_COHORT:
            message = "There is no cohort in this year."
            raise NotFound(message, {"year": [message]})
        cities = City.objects(cohort_year=year).order_by("name")
        seats = CohortSeat.objects(year=year).count()
        return {
            "year": year,
            "places": COHORT_SIZE,
            "free": max(COHORT_SIZE - seats, 0),
            "cities": [
                {"slug": c.id, "name": c.name, "phase": c.phase, "status": c.status} for c in cities
            ],
        }

    @rpc
    def city_state(self, slug: str) -> dict[str, Any]:
        """Internal: what other services need (``services.kit.city_state``)."""
        city = self._city(slug)
        view = self._city_view(city)
        return {
            "slug": city.id,
            "name": city.name,
            "phase": city.phase,
            "status": city.status,
            "schedule": view["schedule"],
            "plugins": self._enabled(slug),
            "districts": self._district_names(city.id),  # uploaded GeoJSON's names, [] if none
        }
