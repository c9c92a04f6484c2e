"""The explicit-state evaluator: breadth-first search and liveness over the IR, no Z3."""
