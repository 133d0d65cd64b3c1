"""After a signed meeting: its tasks, the dissemination of its resolution, addenda."""
