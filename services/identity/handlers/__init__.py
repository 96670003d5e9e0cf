"""The identity service's RPC handlers, one mixin per aggregate (see ``service.py``)."""
