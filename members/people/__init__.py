"""Party members: their record, status moves and transfers."""
