"""One city's view of its enabled plugins: the flat contributions services need.

Built by ``PluginHost.for_city(city, enabled)``. Every method calls each enabled plugin on its
own (with its own config), checks what came back against the hook contract and merges it, so
services never deal with pluggy's list-of-results shape or with a misbehaving plugin's output.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from marshmallow import Schema, ValidationError, fields

from plugins.hookspecs import AUDIENCES, FORMS, PHASES, TAG_PATTERN
from plugins.manager import PluginError
from services.kit.errors import Invalid

if TYPE_CHECKING:
    from plugins.manager import PluginHost

_ITEM_KEYS = ("key", "title_de", "title_en")
_NOTICE_KEYS = ("audience", "text_de", "text_en")
_STATUS_TEXTS = ("progress_de", "progress_en")
_STATUS_KEYS = frozenset({"done", *_STATUS_TEXTS})
_TAG = re.compile(TAG_PATTERN)


class CityPlugins:
    """Contributions of the plugins enabled in one city."""

    def __init__(
        self, host: PluginHost, city: str, enabled: Mapping[str, Mapping[str, Any] | None]
    ) -> None:
        self.city = city
        self._host = host
        # Load configs once: every hook call below reuses them.
        self._configs = host.load_configs(city, enabled)

    @property
    def enabled(self) -> list[str]:
        """Names of the city's enabled plugins."""
        return list(self._configs)

    def _call(
        self, hook_name: str, only: str | None = None, **kwargs: Any
    ) -> list[tuple[str, Any]]:
        # ``only`` narrows the call to one enabled plugin: call_loaded calls exactly the
        # plugins whose configs it is given, so the others are not even asked.
        configs = self._configs if only is None else {only: self._configs[only]}
        return self._host.call_loaded(hook_name, self.city, configs, **kwargs)

    # --- phase steps and assessment criteria ---------------------------------------------

    def phase_steps(self, phase: str) -> list[dict[str, Any]]:
        """Extra steps for ``phase``, each with ``plugin`` and a global ``id`` added."""
        if phase not in PHASES:
            raise ValueError(f"Unknown phase {phase!r}.")
        return self._items("stadtdialog_phase_steps", phase=phase)

    def assessment_criteria(self) -> list[dict[str, Any]]:
        """Extra scenario-assessment criteria, each with ``plugin`` and ``id`` added."""
        return self._items("stadtdialog_assessment_criteria")

    def _items(
        self, hook_name: str, only: str | None = None, **kwargs: Any
    ) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for plugin, result in self._call(hook_name, only=only, **kwargs):
            seen: set[str] = set()
            for item in _require_list(plugin, hook_name, result):
                _require_texts(plugin, hook_name, item, _ITEM_KEYS)
                if item["key"] in seen:
                    raise PluginError(f"Plugin {plugin!r}: duplicate key {item['key']!r}.")
                seen.add(item["key"])
                # "plugin:key" is unique across plugins and a valid document key (no dot).
                items.append({**item, "plugin": plugin, "id": f"{plugin}:{item['key']}"})
        return items

    # --- automatic completion of plugin steps ---------------------------------------------

    def step_status(
        self, phase: str, step_id: str, tallies: Mapping[str, int]
    ) -> dict[str, Any] | None:
        """The status of one plugin step by its plugin's own rule, or ``None``.

        ``step_id`` is the step's global id (``"<plugin>:<key>"``, as ``phase_steps`` gives
        it); ``tallies`` is the city's map of fact counters (see ``stadtdialog_step_status``).
        Only the owning plugin is asked, and only when the city has it enabled and it
        contributes that step to ``phase`` now; otherwise, and for an id without a plugin
        prefix (a default step of the cities service), the answer is ``None``: no automatic
        rule, the step is marked done by hand. Returns ``{"done", "progress_de",
        "progress_en"}``; a plugin returning another shape raises ``PluginError``.
        """
        if phase not in PHASES:
            raise ValueError(f"Unknown phase {phase!r}.")
        plugin, prefixed, key = step_id.partition(":")
        if not prefixed or plugin not in self._configs:
            return None
        owned = {
            step["key"] for step in self._items("stadtdialog_phase_steps", only=plugin, phase=phase)
        }
        if key not in owned:
            # A stored step the plugin no longer contributes (its config changed): asking
            # would hand the plugin a key it does not know.
            return None
        return self._ask_status(plugin, phase, key, _frozen(tallies))

    def step_statuses(self, phase: str, tallies: Mapping[str, int]) -> dict[str, dict[str, Any]]:
        """Step id → status for every plugin step of ``phase`` that has an automatic rule.

        The same answers as ``step_status`` for each step of ``phase_steps(phase)``, with
        the steps collected once instead of once per step (for a phase checklist).
        """
        frozen = _frozen(tallies)
        statuses: dict[str, dict[str, Any]] = {}
        for step in self.phase_steps(phase):
            status = self._ask_status(step["plugin"], phase, step["key"], frozen)
            if status is not None:
                statuses[step["id"]] = status
        return statuses

    def _ask_status(
        self, plugin: str, phase: str, key: str, tallies: Mapping[str, int]
    ) -> dict[str, Any] | None:
        hook = "stadtdialog_step_status"
        results = self._call(hook, only=plugin, phase=phase, step_key=key, tallies=tallies)
        if not results:  # the plugin has no rule for the step (or does not implement the hook)
            return None
        ((_, status),) = results  # pluggy allows one hookimpl per hook and plugin
        if not isinstance(status, Mapping):
            raise PluginError(f"Plugin {plugin!r}: {hook} must return a dict or None.")
        unknown = sorted(set(status) - _STATUS_KEYS, key=str)
        if unknown:
            raise PluginError(f"Plugin {plugin!r}: {hook} returned unknown keys {unknown}.")
        # bool only: 1 or "yes" would be stored as the step's state and read back wrongly.
        if not isinstance(status.get("done"), bool):
            raise PluginError(f"Plugin {plugin!r}: {hook} must give 'done' as True or False.")
        _require_texts(plugin, hook, status, _STATUS_TEXTS)
        return {"done": status["done"], **{key: status[key] for key in _STATUS_TEXTS}}

    # --- forms ---------------------------------------------------------------------------

    def form_fields(self, form: str) -> dict[str, fields.Field]:
        """Extra marshmallow fields of all enabled plugins for ``form``."""
        if form not in FORMS:
            raise ValueError(f"Unknown form {form!r}.")
        merged: dict[str, fields.Field] = {}
        owner: dict[str, str] = {}
        for plugin, result in self._call("stadtdialog_form_fields", form=form):
            if not isinstance(result, Mapping):
                raise PluginError(f"Plugin {plugin!r}: form fields must be a dict.")
            for name, field in result.items():
                if not isinstance(name, str) or not isinstance(field, fields.Field):
                    raise PluginError(f"Plugin {plugin!r}: {name!r} is not a marshmallow field.")
                if name in merged:
                    raise PluginError(
                        f"Plugins {owner[name]!r} and {plugin!r} both add field {name!r}."
                    )
                merged[name], owner[name] = field, plugin
        return merged

    def form_schema(self, form: str, base: type[Schema]) -> type[Schema]:
        """``base`` extended by the plugins' fields for ``form`` (a new Schema subclass)."""
        extra = self.form_fields(form)
        taken = sorted(set(extra) & set(base._declared_fields))
        if taken:
            raise PluginError(f"Plugins add fields that {base.__name__} already has: {taken}.")
        return base.from_dict(extra, name=f"{base.__name__}_{self.city}")

    def validation_messages(self, form: str, data: Mapping[str, Any]) -> dict[str, list[str]]:
        """Field → messages from every plugin's extra validation of loaded ``data``."""
        if form not in FORMS:
            raise ValueError(f"Unknown form {form!r}.")
        messages: dict[str, list[str]] = {}
        for plugin, result in self._call("stadtdialog_validate_form", form=form, data=data):
            if not isinstance(result, Mapping):
                raise PluginError(f"Plugin {plugin!r}: validation must return a dict.")
            for name, found in result.items():
                found_list = [found] if isinstance(found, str) else list(found)
                messages.setdefault(str(name), []).extend(str(m) for m in found_list)
        return {name: msgs for name, msgs in messages.items() if msgs}

    def load_form(self, form: str, base: type[Schema], data: Mapping[str, Any]) -> dict[str, Any]:
        """Load ``data`` through the extended schema and the plugins' validation.

        Raises ``Invalid`` naming every offending field: first the field errors of the
        schema; only when those pass, the plugins' cross-field rules (they need typed data).
        """
        schema = self.form_schema(form, base)()
        try:
            loaded = schema.load(dict(data))
        except ValidationError as err:
            raise Invalid(fields=err.normalized_messages()) from err
        messages = self.validation_messages(form, loaded)
        if messages:
            raise Invalid(fields=messages)
        return loaded

    def form_tags(self, form: str, data: Mapping[str, Any]) -> list[str]:
        """Tags of every enabled plugin for a loaded and validated ``form`` (sorted, unique).

        The service that owns the form puts them into its public event's ``data["tags"]``.
        A tag that does not match ``TAG_PATTERN`` raises ``PluginError``: it would end up in
        a public event and in the cities service's tally keys.
        """
        if form not in FORMS:
            raise ValueError(f"Unknown form {form!r}.")
        hook = "stadtdialog_form_tags"
        # Read-only: the same data is stored right after, a plugin must not change it.
        view = MappingProxyType(dict(data))
        tags: set[str] = set()
        for plugin, result in self._call(hook, form=form, data=view):
            for tag in _require_list(plugin, hook, result):
                if not isinstance(tag, str) or not _TAG.fullmatch(tag):
                    raise PluginError(
                        f"Plugin {plugin!r}: tag {tag!r} does not match {TAG_PATTERN}."
                    )
                tags.add(tag)
        return sorted(tags)

    # --- phase changes -------------------------------------------------------------------

    def phase_changed(
        self, old: str | None, new: str, event: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Notices of every enabled plugin for the change ``old`` → ``new``."""
        if new not in PHASES or (old is not None and old not in PHASES):
            raise ValueError(f"Unknown phase change {old!r} -> {new!r}.")
        notices: list[dict[str, Any]] = []
        hook = "stadtdialog_phase_changed"
        for plugin, result in self._call(hook, old=old, new=new, event=event):
            for notice in _require_list(plugin, hook, result):
                _require_texts(plugin, hook, notice, _NOTICE_KEYS)
                if notice["audience"] not in AUDIENCES:
                    raise PluginError(f"Plugin {plugin!r}: unknown audience in {notice!r}.")
                notices.append({**notice, "plugin": plugin})
        return notices


def _frozen(tallies: Mapping[str, int]) -> Mapping[str, int]:
    # A copy behind a read-only view: plugins cannot change the service's counters, and
    # every plugin asked in one checklist sees the same numbers.
    return MappingProxyType(dict(tallies))


def _require_list(plugin: str, hook_name: str, result: Any) -> list[Any]:
    if not isinstance(result, list | tuple):
        raise PluginError(f"Plugin {plugin!r}: {hook_name} must return a list.")
    return list(result)


def _require_texts(plugin: str, hook_name: str, item: Any, keys: tuple[str, ...]) -> None:
    if not isinstance(item, Mapping):
        raise PluginError(f"Plugin {plugin!r}: {hook_name} items must be dicts.")
    for key in keys:
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise PluginError(f"Plugin {plugin!r}: {hook_name} item lacks text {key!r}.")
