"""`python -m clauselint` runs the CLI."""

from clauselint.cli import main

main()
