"""A meeting's course: planned, prepared by the committee, held, signed."""
