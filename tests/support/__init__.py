"""Helpers shared by the tests (not test modules): the app and database setup
(`apps`), the one factory of rows (`factory`), pages and forms through the Flask test
client (`pages`), survey sheets (`sheets`), one HTTP client for real servers (`http`),
servers on loopback (`servers`), one SMTP test server (`smtp`) and assertion helpers
(`checks`). Tests import from here; no test module imports another."""
