"""Comparing drafts and documents: redlines."""
