"""The catalogue's blueprints: /systems and /compare."""
