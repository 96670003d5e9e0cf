"""The events service's handlers, one mixin per aggregate, composed in ``service.py``."""
