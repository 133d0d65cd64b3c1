"""Layout processes: a document that overruns the time limit is stopped with its
process, and a process that dies is replaced; the next document is laid out as usual."""

import os
import signal

import pytest

from meetings.documents import layout

HTML = "<p>Đảng Cộng sản Việt Nam</p>"


def idle_pids():
    return [layouter.process.pid for layouter in list(layout._idle.queue)]


def test_a_layout_over_the_time_limit_is_stopped_with_its_process(settings):
    assert layout.write_pdf(HTML).startswith(b"%PDF")
    settings.CELLMEET_RENDER_SECONDS = 0.001
    before = set(idle_pids())
    with pytest.raises(layout.RenderTimeout, match="quá lâu"):
        layout.write_pdf("<p>" + "Nguyễn Văn An phát biểu. " * 3000 + "</p>")
    stopped = before - set(idle_pids())
    assert stopped, "the process that overran is no longer offered"
    for pid in stopped:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    settings.CELLMEET_RENDER_SECONDS = 30
    assert layout.write_pdf(HTML).startswith(b"%PDF")


def test_a_layout_process_that_died_is_replaced():
    layout.write_pdf(HTML)
    for pid in idle_pids():  # as the kernel's out-of-memory killer would
        os.kill(pid, signal.SIGKILL)
    assert layout.write_pdf(HTML).startswith(b"%PDF")
    assert all(layouter.process.is_alive() for layouter in list(layout._idle.queue))


def test_a_layout_process_is_replaced_after_its_share_of_documents(monkeypatch):
    monkeypatch.setattr(layout.Layouter, "RECYCLE", 2)
    layout.write_pdf(HTML)
    first = idle_pids()
    layout.write_pdf(HTML)
    layout.write_pdf(HTML)
    assert set(idle_pids()).isdisjoint(first)
