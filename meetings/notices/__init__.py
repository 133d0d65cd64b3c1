"""Before a meeting: the notice, documents, replies, written opinions, notifications and
reminders."""
