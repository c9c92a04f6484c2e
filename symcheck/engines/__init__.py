"""The engines (BMC, k-induction, PDR, matrix, coverage, several traces, lasso) and their orchestration."""
