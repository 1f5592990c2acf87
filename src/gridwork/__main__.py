"""`python -m gridwork` is the `gridwork` command."""

from gridwork.cli import main

main()
