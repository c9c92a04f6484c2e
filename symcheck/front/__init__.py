"""The front end: located YAML, variants, type checking, the IR and concrete values."""
