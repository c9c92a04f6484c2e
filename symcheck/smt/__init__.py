"""The SMT layer: the Z3 encoding of a model and the one solving module (deadlines, checks)."""
