"""The demo district: its tree and members (tree), its meetings month by month
(meetings, written as plain rows by rows), and its history up to today with the 2025
reorganisation (today). Loaded by `manage.py load_demo`."""
