"""Operator tools behind `kb bench` and `kb seed-demo`: the benchmark and the demo data.

The web app never imports this package (tests/system/test_web_imports.py holds it to that):
kb/cli.py imports it inside the command functions only.
"""
