"""gunicorn settings for `make serve` and production (`gunicorn -c cellmeet/gunicorn.conf.py`).

Every value can be overridden from the environment (GUNICORN_WORKERS, GUNICORN_BIND, …).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, two per core plus one: pages are short and CPU-bound; PDFs run in them too.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# A minute book of a busy cell takes a few seconds; nothing should take a minute.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then: PDF rendering leaves fragmented memory behind.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Logs to stdout/stderr, for the process manager or container runtime to collect.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind a proxy on the same host: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "cellmeet.wsgi:application"
# gunicorn's control socket (gunicornc) lives at one path per user by default, so two
# servers on one machine (`make serve` twice, CI beside a developer) would share it.
# Off unless a path is given, one per server.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
