"""The cities service's RPC and event handlers, one mixin per aggregate (see ``service.py``)."""
