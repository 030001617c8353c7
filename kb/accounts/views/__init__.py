"""The accounts feature's blueprints: /auth and /account."""
