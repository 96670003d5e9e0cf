"""Stadtdialog's plugin plumbing: hook specifications, the per-city host, shipped plugins.

Write a plugin with ``hookimpl`` (see ``plugins.hookspecs`` and ``docs/plugins.md``); call
hooks from a service with ``default_host().for_city(city, enabled)``.
"""

from plugins.hookspecs import ENTRY_POINT_GROUP, FORMS, PHASES, PROJECT, hookimpl, hookspec
from plugins.manager import PluginError, PluginHost, default_host, hook_names

__all__ = [
    "ENTRY_POINT_GROUP",
    "FORMS",
    "PHASES",
    "PROJECT",
    "PluginError",
    "PluginHost",
    "default_host",
    "hook_names",
    "hookimpl",
    "hookspec",
]
