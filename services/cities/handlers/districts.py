"""A city's districts (Stadtteile): uploaded once as GeoJSON by a city admin, replaceable.

The validation is the pure ``services.cities.districts``; here the upload is stored, the other
services hear of it (their cached city state carries the district names, see
``TenantHandlers.city_state``), and the map's shapes are read back (public: district borders
are no personal data).
"""

from __future__ import annotations

import json
from typing import Any

from marshmallow import ValidationError

from services.cities.districts import DistrictErrors, validate_districts
from services.cities.handlers.base import ADMIN, CitiesBase, _iso, _now
from services.cities.models import CityDistricts
from services.kit.errors import Invalid
from services.kit.rpc import rpc
from services.kit.text import clean_text

FIELD = "geojson"


def _file_name(filename: Any) -> str | None:
    """The uploaded file's name as shown (public), or None when it is no plain one-line text:
    a browser sends what the file was called, so a hostile name (line breaks, NUL, U+202E
    turning ``nepo.json`` around) costs the name, not the upload."""
    if not isinstance(filename, str):
        return None
    try:
        return clean_text(filename[:200]).strip() or None
    except ValidationError:
        return None


class DistrictHandlers(CitiesBase):
    @rpc
    def put_districts(
        self, slug: str, document: Any, filename: str | None = None
    ) -> dict[str, Any]:
        """Store (or replace) the city's districts (city admins). Every problem of the file at
        once, each naming the feature, under the field ``geojson``."""
        city = self._require(slug, ADMIN)
        try:
            districts = validate_districts(document)
        except DistrictErrors as exc:
            raise Invalid(exc.messages[0], {FIELD: exc.messages}) from exc
        names = [d["name"] for d in districts]
        earlier = CityDistricts.objects(id=city.id).first()
        stored = earlier or CityDistricts(id=city.id)
        stored.city = city.id
        stored.names = names
        stored.districts = json.dumps(districts, separators=(",", ":"))
        stored.filename = _file_name(filename)
        stored.uploaded_by = self.caller.user_id
        stored.uploaded_at = _now()
        stored.save()
        self._audit(
            city.id,
            "districts.replaced" if earlier else "districts.uploaded",
            {"districts": len(names)},
        )
        self._changed(city)  # the services' cached state names the districts
        return self._districts_view(stored, shapes=False)

    @rpc
    def districts(self, slug: str, shapes: bool = True) -> dict[str, Any] | None:
        """The city's districts (public), or None while none were uploaded. With ``shapes`` the
        polygons too (``[{"name", "polygons"}]``), else only the names."""
        city = self._city(slug)
        stored = CityDistricts.objects(id=city.id).first()
        return self._districts_view(stored, shapes=bool(shapes)) if stored else None

    @rpc
    def remove_districts(self, slug: str) -> dict[str, int]:
        """Take the city's districts down (city admins); talks and ideas keep their names."""
        city = self._require(slug, ADMIN)
        removed = CityDistricts.objects(id=city.id).delete()
        if removed:
            self._audit(city.id, "districts.removed", {})
            self._changed(city)
        return {"removed": int(removed)}

    @staticmethod
    def _districts_view(stored: CityDistricts, shapes: bool) -> dict[str, Any]:
        view: dict[str, Any] = {
            "city": stored.city,
            "names": list(stored.names),
            "filename": stored.filename,
            "uploaded_at": _iso(stored.uploaded_at),
        }
        if shapes:
            view["districts"] = json.loads(stored.districts)
        return view
