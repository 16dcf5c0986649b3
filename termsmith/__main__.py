"""`python -m termsmith`: the same entry point as the `termsmith` command (`cli.main`)."""

from termsmith.cli import main

if __name__ == "__main__":
    main()
