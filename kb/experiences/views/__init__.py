"""The experiences' blueprints: /experiences and /search."""
