"""Models of the homework app."""
