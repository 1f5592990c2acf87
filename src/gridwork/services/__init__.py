"""Use cases: each owns its transaction and is called once per request or command."""
