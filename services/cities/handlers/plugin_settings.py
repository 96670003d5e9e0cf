"""Which plugins a city runs and with what config: partners enable, reconfigure and disable
them; every change is audited and tells the other services to reread the city's state."""

from __future__ import annotations

from typing import Any

from mongoengine.errors import NotUniqueError

from plugins.manager import default_host
from services.cities.handlers.base import PARTNERS, CitiesBase, _iso, _now
from services.cities.models import AuditEntry, PluginEnablement
from services.cities.schemas import PluginConfigSchema
from services.kit.errors import Invalid, NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load


class PluginSettingHandlers(CitiesBase):
    @rpc
    def list_plugins(self, slug: str) -> list[dict[str, Any]]:
        self._require(slug, PARTNERS, active_only=False)
        enabled = self._enabled(slug)
        return [
            {**plugin, "enabled": plugin["name"] in enabled, "config": enabled.get(plugin["name"])}
            for plugin in default_host().installed()
        ]

    @rpc
    def enable_plugin(self, slug: str, plugin: str, data: dict[str, Any]) -> dict[str, Any]:
        city = self._require(slug, PARTNERS)
        raw = load(PluginConfigSchema(), data)["config"]
        try:
            config = default_host().validate_config(plugin, raw)
        except Invalid as exc:  # name the fields as the request has them: config.<field>
            raise Invalid(exc.message, {f"config.{k}": v for k, v in exc.fields.items()}) from exc
        existing = PluginEnablement.scoped(slug, plugin=plugin).first()
        if existing is None:
            try:
                PluginEnablement(
                    city=slug, plugin=plugin, config=config, enabled_by=self.caller.user_id
                ).save(force_insert=True)
                action = "enabled"
            except NotUniqueError:
                existing = PluginEnablement.scoped(slug, plugin=plugin).first()
        if existing is not None:
            existing.config = config
            existing.enabled_by = self.caller.user_id
            existing.enabled_at = _now()
            existing.save()
            action = "reconfigured"
        self._audit(slug, f"plugin.{action}", {"plugin": plugin, "config": config})
        self.outbox.add(
            "plugin",
            action,
            {"slug": slug, "plugin": plugin},
            city=slug,
            subject=plugin,
            public=True,
        )
        self._changed(city)
        return {"plugin": plugin, "enabled": True, "config": config, "action": action}

    @rpc
    def disable_plugin(self, slug: str, plugin: str) -> dict[str, Any]:
        city = self._require(slug, PARTNERS)
        existing = PluginEnablement.scoped(slug, plugin=plugin).first()
        if existing is None:
            raise NotFound("The plugin is not enabled for this city.")
        existing.delete()
        self._audit(slug, "plugin.disabled", {"plugin": plugin})
        self.outbox.add(
            "plugin",
            "disabled",
            {"slug": slug, "plugin": plugin},
            city=slug,
            subject=plugin,
            public=True,
        )
        self._changed(city)
        return {"plugin": plugin, "enabled": False}

    @rpc
    def plugin_audit(self, slug: str) -> list[dict[str, Any]]:
        """The plugin part of the city's audit log (handlers/audit.py), oldest first."""
        self._require(slug, PARTNERS, active_only=False)
        acts = ("plugin.enabled", "plugin.reconfigured", "plugin.disabled")
        return [
            {
                "plugin": a.detail.get("plugin"),
                "action": a.act.removeprefix("plugin."),
                "config": dict(a.detail.get("config") or {}),
                "by": a.by,
                "by_name": a.by_name,
                "at": _iso(a.at),
            }
            for a in AuditEntry.scoped(slug, act__in=acts).order_by("at")
        ]
