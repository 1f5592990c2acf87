"""Pure business rules: no database, no web, no I/O."""
