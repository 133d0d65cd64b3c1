"""Process settings for app servers, applied by cellmeet.wsgi once the app is loaded."""

import gc

# Django and the app allocate tens of thousands of objects per request on the big
# dashboards; with Python's default threshold (700) the collector runs several times per
# request and a full collection now and then lands on one of them (docs/performance.md,
# "Why some code is written for speed"). Collect less often, and never rescan the objects
# that live as long as the process (modules, templates, URL patterns).
GEN0_THRESHOLD = 50_000


def tune_garbage_collector():
    gc.collect()
    gc.freeze()
    _gen0, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)
