"""Persistence: tables, engine, scope filter and migrations."""
