"""The organisation tree: units, their changes, the tree on a past day, the audit log."""
