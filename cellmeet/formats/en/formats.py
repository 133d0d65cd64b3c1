# English pages write dates the Vietnamese way too: minutes are Vietnamese documents.
from cellmeet.formats.vi.formats import *  # noqa: F403

# Numbers, though, as English writes them.
THOUSAND_SEPARATOR = ","
DECIMAL_SEPARATOR = "."
