"""Mutation checks: planted bugs the default suite must catch (``python -m tests.mutation``)."""
