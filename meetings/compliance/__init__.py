"""Whether cells meet as the Party requires: the dashboard and the staff's attention card."""
