"""The dialogue service's entrypoints, one mixin per aggregate; ``service.py`` composes them."""
