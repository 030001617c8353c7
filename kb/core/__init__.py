"""The ground every layer stands on: kb's errors, parsing of numbers and booleans,
Swedish formatting, dates, the vocabulary, slugs and signed links. Imports nothing of kb."""
