"""The deal: its model, how a deal file is read and validated, and its JSON Schema."""
