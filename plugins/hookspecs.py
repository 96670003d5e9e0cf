"""Hook specifications of Stadtdialog (pluggy project ``stadtdialog``).

A plugin is any module or object whose functions are decorated with ``hookimpl`` and whose
names match the specifications below. A plugin implements only the hooks it needs, and an
implementation may accept only the arguments it uses (pluggy passes arguments by name).

Conventions shared by every hook:

* ``city`` is the city's slug (the tenant name). Hooks are called for one city at a time and
  only for the plugins the city's partners enabled, so a plugin never needs to filter cities.
* ``config`` is the plugin's own configuration for that city, already loaded through the
  schema the plugin declares with ``stadtdialog_config_schema`` (defaults filled in). Each
  plugin sees only its own config, never another plugin's: the host calls every enabled
  plugin separately for exactly that reason. A plugin without a schema receives ``{}``.
* "Returns nothing" (``None``) always means "no contribution"; the host drops ``None``.
* Texts a person reads come as ``*_de`` (German, shown first) and ``*_en`` pairs.
* Hooks must be pure and fast: they run inside request handling of the services. Anything
  with I/O belongs in a service that consumes events, not in a hook.

Optional module attributes the host reads for ``stadtdialog plugins`` and partner pages:
``TITLE_DE``, ``TITLE_EN``, ``DESCRIPTION_DE``, ``DESCRIPTION_EN`` and ``MESSAGES_DE`` (German
texts of the English validation messages the plugin returns).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

import pluggy
from marshmallow import Schema, fields

PROJECT = "stadtdialog"
ENTRY_POINT_GROUP = "stadtdialog.plugins"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

# The phase codes the cities state machine moves through, in order.
PHASES: tuple[str, ...] = ("kickoff", "scenarios", "transfer", "table_talks", "closing")

# Names of the forms plugins may extend. A plugin ignores form names it does not know.
FORM_TALK_DOCUMENTATION = "talk_documentation"  # host documents a table talk (dialogue)
FORM_PROJECT_IDEA = "project_idea"  # citizen proposes a project idea (dialogue)
FORM_OBSERVATION = "observation"  # citizen observation or forecast (scenarios)
FORMS: tuple[str, ...] = (FORM_TALK_DOCUMENTATION, FORM_PROJECT_IDEA, FORM_OBSERVATION)

# Who a notice returned from ``stadtdialog_phase_changed`` is meant for.
AUDIENCES: tuple[str, ...] = ("city_admins", "working_groups", "hosts", "public")

# What a tag from ``stadtdialog_form_tags`` may look like. Tags travel in public events and
# become part of tally keys (``"dialogue.talk.documented#youth"``) that the cities service
# stores as document keys, so no dot, no ``$``, no spaces, and short; codes, never free text.
TAG_PATTERN = r"[a-z0-9_-]{1,32}"

# Separates a fact from a tag in a tally key: ``"<service>.<entity>.<action>#<tag>"``.
TALLY_TAG_SEPARATOR = "#"


class Step(TypedDict):
    """One extra step of a phase, shown in the city's phase checklist."""

    key: str
    title_de: str
    title_en: str
    description_de: NotRequired[str]
    description_en: NotRequired[str]


class Criterion(TypedDict):
    """One extra criterion a working group rates a scenario against in the transfer phase."""

    key: str
    title_de: str
    title_en: str
    description_de: NotRequired[str]
    description_en: NotRequired[str]


class StepStatus(TypedDict):
    """How far a plugin's own phase step is, by the plugin's automatic completion rule."""

    done: bool
    progress_de: str
    progress_en: str


class Notice(TypedDict):
    """A message a plugin wants shown after a phase change (the service decides where)."""

    audience: str
    text_de: str
    text_en: str


Config = Mapping[str, Any]


# --- plugin configuration ----------------------------------------------------------------


@hookspec(firstresult=True)
def stadtdialog_config_schema() -> type[Schema] | None:
    """Declare the marshmallow schema of this plugin's per-city configuration.

    Called without ``city`` because the shape of the configuration belongs to the plugin,
    not to a city; the host asks each plugin on its own, so ``firstresult`` returns exactly
    that plugin's answer. Return a ``Schema`` subclass (not an instance) or ``None`` when the
    plugin takes no configuration.

    When a partner enables the plugin for a city, the host loads the partner's configuration
    through this schema; errors are reported per field (``Invalid``) and the partner cannot
    enable the plugin until they are fixed. The loaded result is what later hooks receive as
    ``config`` and is stored by the cities service, so use fields that load to JSON values
    (strings, numbers, booleans, lists, dicts). Field ``metadata={"description": ...}`` is
    shown to partners in ``stadtdialog plugins``.
    """


# --- phase steps -------------------------------------------------------------------------


@hookspec
def stadtdialog_phase_steps(city: str, phase: str, config: Config) -> list[Step] | None:
    """Contribute extra steps to a phase of the dialogue in ``city``.

    ``phase`` is one of ``PHASES``. Return a list of step dicts, each with a ``key`` unique
    within the plugin (lowercase, e.g. ``"check_accessibility"``), ``title_de`` and
    ``title_en``, and optionally ``description_de`` / ``description_en``; return ``None`` or
    an empty list for phases the plugin has nothing to add to. ``config`` is the plugin's
    configuration for ``city``.

    The host adds ``"plugin": <name>`` and ``"id": "<name>:<key>"`` to each step, so a step
    can always be traced back to its plugin and two plugins' keys never clash; a plugin
    repeating one of its own keys is refused.
    """


@hookspec
def stadtdialog_step_status(
    city: str, phase: str, step_key: str, tallies: Mapping[str, int], config: Config
) -> StepStatus | None:
    """Say whether one of this plugin's own phase steps in ``city`` is done, by its own rule.

    The host asks only the plugin that contributed the step (the one named in the step's
    ``id``, ``"<plugin>:<key>"``) and only while the city has that plugin enabled and the
    plugin still returns the step from ``stadtdialog_phase_steps`` for ``phase``; so
    ``step_key`` is always one of the plugin's own keys (without the ``"<plugin>:"``
    prefix) and no plugin needs to check for other plugins' steps. ``phase`` is one of
    ``PHASES``; ``config`` is the plugin's configuration for ``city``.

    ``tallies`` is the cities service's read-only map of counters of public facts it has
    seen for ``city`` (each event counted once, by its ``id``): ``"<service>.<entity>.<action>"``
    (e.g. ``"dialogue.talk.documented"``) counts the facts, and
    ``"<service>.<entity>.<action>#<tag>"`` (e.g. ``"dialogue.talk.documented#youth"``) counts
    those whose ``data["tags"]`` contained the tag (see ``stadtdialog_form_tags``). The map is
    sparse: a key that is absent means zero, so read it with ``tallies.get(key, 0)``.

    Return ``None`` when the step has no automatic rule (a city admin marks it done by hand),
    or a dict ``{"done": bool, "progress_de": str, "progress_en": str}`` where the texts say
    how far the step is (e.g. ``"3 von 5 Jugendgesprächen dokumentiert"``). Anything else is
    a ``PluginError``. The status is computed on every request from the tallies, so it must
    be a pure function of the arguments; the cities service decides whether ``done`` also
    marks the step done in its records.
    """


# --- form fields and validation ----------------------------------------------------------


@hookspec
def stadtdialog_form_fields(city: str, form: str, config: Config) -> dict[str, fields.Field] | None:
    """Contribute extra marshmallow fields to the form named ``form`` in ``city``.

    ``form`` is one of ``FORMS`` (e.g. ``"talk_documentation"``, the table-talk
    documentation form); ignore names you do not know by returning ``None``. Return a dict
    of field name to a *new* marshmallow field instance on every call; put restrictions that
    depend on ``config`` (e.g. allowed choices) directly into the field's validators. Give
    each field ``metadata={"title_de": ..., "title_en": ...}`` so the gateway can label it.
    String fields get the kit's text hygiene (``services.kit.text``): one line, no control
    or text direction characters, NFC; add ``"multiline": True`` to the metadata of a text
    of several lines (the pages show a text area for texts longer than 300 characters).

    The host merges the fields of all enabled plugins into the form's base schema and
    refuses a field name that is already taken (by the form or by another plugin), because
    silently replacing a field would change what a citizen is asked. ``config`` is the
    plugin's configuration for ``city``.
    """


@hookspec
def stadtdialog_validate_form(
    city: str, form: str, data: Mapping[str, Any], config: Config
) -> dict[str, list[str]] | None:
    """Check a submitted form beyond what single fields can express.

    Called after ``data`` was loaded successfully through the form's schema including every
    plugin's fields, so values already have their Python types. Use it for rules that
    combine fields (e.g. "describe the barrier when the place was not step-free").
    ``form`` is one of ``FORMS``; ``config`` is the plugin's configuration for ``city``.

    Return a dict of field name to a list of English messages (use ``"_schema"`` for the
    form as a whole), or ``None`` when everything is fine. The host merges the messages of
    all plugins and raises one ``Invalid`` naming every field. German texts of the messages
    go into the plugin module's ``MESSAGES_DE``.
    """


@hookspec
def stadtdialog_form_tags(
    city: str, form: str, data: Mapping[str, Any], config: Config
) -> list[str] | None:
    """Tag a submitted form so that the public fact it causes can be counted by kind.

    Called by the service that owns ``form`` (one of ``FORMS``) after ``data`` was loaded
    and validated, plugins' fields and rules included, and before the service writes its
    public event; the tags of all enabled plugins go, sorted and de-duplicated, into the
    event's ``data["tags"]``. The cities service then counts the event under
    ``"<service>.<entity>.<action>#<tag>"`` as well, which is what
    ``stadtdialog_step_status`` reads in ``tallies``. ``config`` is the plugin's
    configuration for ``city``; ``data`` is read-only.

    Return a list of short tags matching ``TAG_PATTERN`` (``[a-z0-9_-]``, at most 32
    characters, e.g. ``["youth"]``), or ``None`` / ``[]`` for no tags. A tag is public: it
    must be a code chosen by the plugin, never a value copied from ``data`` (no personal
    data leaves in a public event). A tag of another shape is a ``PluginError``. Tags are
    global, not per plugin: two plugins returning ``"youth"`` mean the same thing.
    """


# --- scenario assessment (transfer phase) ------------------------------------------------


@hookspec
def stadtdialog_assessment_criteria(city: str, config: Config) -> list[Criterion] | None:
    """Contribute extra criteria for assessing scenarios in the transfer phase of ``city``.

    In the transfer phase working groups rate each scenario against local conditions. Return
    a list of criterion dicts with ``key`` (unique within the plugin), ``title_de``,
    ``title_en`` and optionally ``description_de`` / ``description_en``; the scenarios service
    adds them to its own criteria. The host adds ``"plugin": <name>`` and
    ``"id": "<name>:<key>"`` to each criterion; ratings are stored under that ``id`` (no dot,
    so it is a valid document key). ``config`` is the plugin's configuration for ``city``.
    """


# --- reactions to phase changes ----------------------------------------------------------


@hookspec
def stadtdialog_phase_changed(
    city: str, old: str | None, new: str, event: Mapping[str, Any], config: Config
) -> list[Notice] | None:
    """React to ``city`` moving from phase ``old`` to phase ``new``.

    ``old`` is ``None`` when the dialogue starts; both are codes from ``PHASES``. ``event``
    is the CloudEvents envelope (a dict with ``id``, ``type``, ``time``, ``city``, ``data``,
    ...) of the phase-change fact, so a reaction can refer to its ``id``. ``config`` is the
    plugin's configuration for ``city``.

    Return notices (dicts with ``audience`` from ``AUDIENCES``, ``text_de`` and ``text_en``)
    that the consuming service shows or sends, or ``None``. Events are delivered at least
    once, so a reaction must be idempotent: return the same notices for the same event and
    keep side effects out of the hook (the consumer de-duplicates by event ``id``).
    """
