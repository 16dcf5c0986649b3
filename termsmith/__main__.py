"""`python -m termsmith` runs the command line."""

from termsmith.cli import main

main()
