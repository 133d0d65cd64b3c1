"""What the members app announces to the others, which it does not import."""

from django.dispatch import Signal

# A cell was founded or dissolved under `group` (its committee), by `actor`: the
# rotation of the model meeting follows at once (meetings.rotation_plan.services).
cells_changed = Signal()
