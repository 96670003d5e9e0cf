"""The dialogue API's blueprint (endpoints api_dialogue.<view>), its paths and what its
modules share."""

from __future__ import annotations

from flask import Blueprint, request

from gateway.api.common import json_body

bp = Blueprint("api_dialogue", __name__, url_prefix="/api/v1")
TAG = "dialogue"
CITY = "/cities/<slug>"
TALK = f"{CITY}/talks/<talk_id>"
IDEA = f"{CITY}/ideas/<idea_id>"


def _optional_body() -> dict:
    return json_body() if request.get_data() else {}
