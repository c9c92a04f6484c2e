"""Reporting: text, JSON, explanations of violations, the claim catalog."""
