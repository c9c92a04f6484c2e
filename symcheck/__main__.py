"""`python -m symcheck ...` runs the command line, as the installed `symcheck` does."""
from .cli import main

if __name__ == "__main__":
    main(prog_name="symcheck")
