"""Exports (CSV files in Slack), `csbot report` and `csbot audit`."""
