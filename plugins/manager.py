"""The plugin host: loads plugins, describes them, checks configs, calls hooks per city.

Services use ``default_host()`` (one per process, loaded from the entry-point group
``stadtdialog.plugins``) and then ``host.for_city(city, enabled)`` for a city's
contributions, or hand ``default_host`` to the kit's ``CityState(plugin_host=...)``; tests
build their own ``PluginHost`` and ``register`` plugins explicitly.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pluggy
from apispec import APISpec
from apispec.ext.marshmallow import OpenAPIConverter
from marshmallow import Schema, ValidationError

from plugins import hookspecs
from services.kit.city_state import provide_plugin_host
from services.kit.errors import Conflict, Invalid, NotFound
from services.kit.i18n import register_messages
from services.kit.text import guard_schema

if TYPE_CHECKING:
    from plugins.city import CityPlugins


class PluginError(RuntimeError):
    """A plugin broke the hook contract (wrong return shape, clashing keys): a bug, not input."""


@functools.cache
def hook_names() -> tuple[str, ...]:
    """Names of all hook specifications, in declaration order."""
    marker = f"{hookspecs.PROJECT}_spec"
    return tuple(
        name
        for name, value in vars(hookspecs).items()
        if inspect.isfunction(value) and hasattr(value, marker)
    )


class PluginHost:
    """A pluggy ``PluginManager`` for Stadtdialog plus the per-city plumbing around it."""

    def __init__(self) -> None:
        self._pm = pluggy.PluginManager(hookspecs.PROJECT)
        self._pm.add_hookspecs(hookspecs)
        self._schemas: dict[str, type[Schema] | None] = {}

    @classmethod
    def from_entry_points(cls, group: str = hookspecs.ENTRY_POINT_GROUP) -> PluginHost:
        """A host with every plugin installed under ``group`` (shipped ones included)."""
        host = cls()
        host._pm.load_setuptools_entrypoints(group)
        host._after_registration()
        return host

    def register(self, plugin: object, name: str) -> None:
        """Register ``plugin`` (a module or object with hookimpls) under ``name``."""
        self._pm.register(plugin, name=name)
        try:
            self._after_registration()
        except Exception:
            # Leave the host as it was: a rejected plugin must not stay half-registered.
            self._pm.unregister(name=name)
            self._schemas.pop(name, None)
            raise

    def _after_registration(self) -> None:
        # A misspelt hook name would otherwise never be called and never noticed.
        self._pm.check_pending()
        for name, plugin in self._pm.list_name_plugin():
            if name not in self._schemas:
                self._schemas[name] = self._ask_schema(name, plugin)

    def _ask_schema(self, name: str, plugin: object) -> type[Schema] | None:
        schema = self.caller("stadtdialog_config_schema", [name])()
        if schema is not None and not (inspect.isclass(schema) and issubclass(schema, Schema)):
            raise PluginError(f"Plugin {name!r}: config schema must be a Schema class.")
        return schema

    # --- what is installed ---------------------------------------------------------------

    def names(self) -> list[str]:
        """Names of the registered plugins, sorted."""
        return sorted(name for name, _ in self._pm.list_name_plugin())

    def plugin(self, name: str) -> object:
        """The registered plugin object; ``NotFound`` for an unknown name."""
        plugin = self._pm.get_plugin(name)
        if plugin is None:
            raise NotFound(
                message=f"Plugin {name!r} is not installed.",
                fields={"plugin": [f"Plugin {name!r} is not installed."]},
            )
        return plugin

    def config_schema(self, name: str) -> type[Schema] | None:
        """The plugin's declared config schema class, or ``None``."""
        self.plugin(name)
        return self._schemas[name]

    def installed(self) -> list[dict[str, Any]]:
        """Metadata of every installed plugin, sorted by name (JSON-serialisable)."""
        dists = {self._pm.get_name(p): d for p, d in self._pm.list_plugin_distinfo()}
        result = []
        for name in self.names():
            plugin = self.plugin(name)
            dist = dists.get(name)
            doc = (inspect.getdoc(plugin) or "").split("\n\n")[0].replace("\n", " ")
            schema = self._schemas[name]
            result.append(
                {
                    "name": name,
                    "title_de": getattr(plugin, "TITLE_DE", name),
                    "title_en": getattr(plugin, "TITLE_EN", name),
                    "description_de": getattr(plugin, "DESCRIPTION_DE", doc),
                    "description_en": getattr(plugin, "DESCRIPTION_EN", doc),
                    "distribution": dist.project_name if dist else None,
                    "version": dist.version if dist else None,
                    "hooks": sorted(h.name for h in self._pm.get_hookcallers(plugin) or []),
                    "config_schema": describe_schema(schema) if schema else None,
                }
            )
        return result

    def german_messages(self) -> dict[str, str]:
        """German texts of all plugins' English validation messages (``MESSAGES_DE``)."""
        merged: dict[str, str] = {}
        for name in self.names():
            merged.update(getattr(self.plugin(name), "MESSAGES_DE", {}))
        return merged

    # --- configuration -------------------------------------------------------------------

    def validate_config(self, plugin_name: str, config: Mapping[str, Any]) -> dict[str, Any]:
        """Load a partner's config through the plugin's schema; ``Invalid`` names each field.

        Returns the loaded config (defaults filled in), which is what the cities service
        stores and later passes back in ``for_city``. ``NotFound`` for an unknown plugin.
        """
        schema = self.config_schema(plugin_name)
        if schema is None:
            # No schema means no settings: anything given is a partner's mistake, say so.
            if config:
                raise Invalid(fields={key: ["Unknown field."] for key in config})
            return {}
        try:
            return dict(_schema_instance(schema).load(dict(config)))
        except ValidationError as err:
            raise Invalid(fields=err.normalized_messages()) from err

    def load_configs(
        self, city: str, enabled: Mapping[str, Mapping[str, Any] | None]
    ) -> dict[str, dict[str, Any]]:
        """Reload the stored configs of ``city``'s enabled plugins (name → config).

        Stored configs may predate a plugin upgrade: reloading fills in new defaults and turns
        an outdated config into one clear ``Conflict`` instead of a ``KeyError`` inside a hook.
        ``NotFound`` when an enabled plugin is not installed.
        """
        loaded: dict[str, dict[str, Any]] = {}
        for name in self._require_installed(enabled):
            try:
                loaded[name] = self.validate_config(name, enabled[name] or {})
            except Invalid as err:
                raise Conflict(
                    message=(
                        f"The configuration of plugin {name!r} for city {city!r} is no longer "
                        "valid; a partner must update it."
                    ),
                    fields={f"plugins.{name}.{field}": msgs for field, msgs in err.fields.items()},
                ) from err
        return loaded

    # --- calling hooks -------------------------------------------------------------------

    def _require_installed(self, enabled: Iterable[str]) -> list[str]:
        names = list(dict.fromkeys(enabled))
        unknown = [name for name in names if self._pm.get_plugin(name) is None]
        if unknown:
            listed = ", ".join(sorted(unknown))
            raise NotFound(
                message=f"Enabled plugins are not installed: {listed}.",
                fields={"plugins": [f"Plugin {name!r} is not installed." for name in unknown]},
            )
        return names

    def caller(self, hook_name: str, enabled: Iterable[str]) -> pluggy.HookCaller:
        """A hook caller that runs only the ``enabled`` plugins (``subset_hook_caller``).

        ``NotFound`` when an enabled name is not installed, ``ValueError`` for an unknown
        hook. Arguments are passed by keyword, as pluggy requires.
        """
        if hook_name not in hook_names():
            raise ValueError(f"Unknown hook {hook_name!r}.")
        keep = set(self._require_installed(enabled))
        others = [plugin for name, plugin in self._pm.list_name_plugin() if name not in keep]
        return self._pm.subset_hook_caller(hook_name, remove_plugins=others)

    def call_each(
        self,
        hook_name: str,
        city: str,
        enabled: Mapping[str, Mapping[str, Any] | None],
        **kwargs: Any,
    ) -> list[tuple[str, Any]]:
        """Call ``hook_name`` for each of ``city``'s enabled plugins with its own config.

        ``enabled`` maps plugin name to its stored config. Returns ``(plugin_name, result)``
        pairs; see ``call_loaded``.
        """
        return self.call_loaded(hook_name, city, self.load_configs(city, enabled), **kwargs)

    def call_loaded(
        self, hook_name: str, city: str, configs: Mapping[str, Mapping[str, Any]], **kwargs: Any
    ) -> list[tuple[str, Any]]:
        """Like ``call_each`` with configs already loaded by ``load_configs``.

        Results come ordered by ``tryfirst`` / ``trylast`` of the hookimpl, then by plugin
        name; plugins that do not implement the hook or return ``None`` are left out. One
        call per plugin is what keeps each plugin's config private to it.
        """
        if hook_name not in hook_names():
            raise ValueError(f"Unknown hook {hook_name!r}.")
        # Sorted by (tryfirst, plain, trylast) and then by name rather than by registration:
        # entry points load in filesystem order, and steps must not reorder between machines.
        implementers = sorted(
            {
                impl.plugin_name: (0 if impl.tryfirst else 2 if impl.trylast else 1)
                for impl in getattr(self._pm.hook, hook_name).get_hookimpls()
                if impl.plugin_name in configs
            }.items(),
            key=lambda item: (item[1], item[0]),
        )
        results: list[tuple[str, Any]] = []
        for name, _rank in implementers:
            outcome = self.caller(hook_name, [name])(city=city, config=configs[name], **kwargs)
            results.extend((name, value) for value in outcome)
        return results

    def for_city(self, city: str, enabled: Mapping[str, Mapping[str, Any] | None]) -> CityPlugins:
        """The contributions of ``city``'s enabled plugins (name → stored config)."""
        from plugins.city import CityPlugins  # city.py imports this module

        return CityPlugins(self, city, enabled)


@functools.cache
def _schema_instance(schema: type[Schema]) -> Schema:
    # A plugin's config schema is a plain marshmallow Schema: its texts get the same hygiene
    # as every StrictSchema's (services.kit.text), whoever wrote the plugin.
    return guard_schema(schema())


def describe_schema(schema: type[Schema]) -> dict[str, Any]:
    """A JSON-schema description of a marshmallow schema (types, required, enums, limits)."""
    spec = APISpec(title="stadtdialog plugins", version="1", openapi_version="3.1.0")
    converter = OpenAPIConverter(
        openapi_version="3.1.0", schema_name_resolver=lambda _schema: None, spec=spec
    )
    return converter.schema2jsonschema(schema)


@functools.cache
def default_host() -> PluginHost:
    """The process-wide host with every installed plugin, loaded once.

    Its plugins' German texts go to the kit as it loads: a plugin's message can only be
    raised through the host, so every process that raises one can also translate it.
    """
    host = PluginHost.from_entry_points()
    register_messages(host.german_messages())
    return host


def german_messages() -> dict[str, str]:
    """The installed plugins' German texts (for ``services.kit.i18n.register_message_source``)."""
    return default_host().german_messages()


# City state views built without a host of their own (unit tests, scripts) use this one.
provide_plugin_host(default_host)
