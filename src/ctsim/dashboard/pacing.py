"""Back-pressure for play: the page says which month it has drawn, and play steps the next month only after that.

Stepping a month takes the server a fraction of the time a busy browser needs to draw it. Paced by the server
alone, play sent months faster than the page drew them; the updates queued, and a click on Pause landed seconds (and
up to twenty months) late. So every widget that shows the month, the charts and the month label, is sent a *frame*
(the page's revision number) with its new content, and reports it back through an ipyvue event (``vue_drawn``, called
as ``this.drawn(frame)`` in its Vue template) once the browser has drawn it. A :class:`DrawGate` per page counts what
each widget was sent and what it drew; the play loop steps the next month only when the page has caught up, waiting
at most :data:`DRAW_TIMEOUT_S`, so that a closed or frozen tab slows play down instead of hanging the thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

import solara
import traitlets

DRAW_TIMEOUT_S = 10.0  # longest wait for a month to be drawn; then play moves on (a closed tab draws nothing)
STOP_POLL_S = 0.05  # how often a wait checks whether play was paused meanwhile


class DrawGate:
    """What each of a page's widgets was sent and what it has drawn, by frame number; thread-safe.

    Frames only grow, and a widget that drew frame 7 has drawn everything before it: a browser that skips a month
    it was too slow for (it draws the newest data it has) still catches up.
    """

    def __init__(self) -> None:
        self._sent: dict[Hashable, int] = {}
        self._drawn: dict[Hashable, int] = {}
        self._changed = threading.Condition()
        self._left = False  # whether widgets were counted and all have left since

    def sent(self, widget: Hashable, frame: int) -> None:
        """``widget`` was given the content of ``frame`` (called on the server, before the update goes out)."""
        with self._changed:
            self._sent[widget] = max(frame, self._sent.get(widget, 0))
            self._left = False
            self._changed.notify_all()

    def drawn(self, widget: Hashable, frame: int) -> None:
        """The browser reports that ``widget`` has drawn ``frame`` (ignored once the widget has left)."""
        with self._changed:
            if widget not in self._sent:
                return
            self._drawn[widget] = max(frame, self._drawn.get(widget, 0))
            self._changed.notify_all()

    def forget(self, widget: Hashable) -> None:
        """``widget`` left the page (the page was closed, or another of its tabs opened): nothing to wait for."""
        with self._changed:
            self._sent.pop(widget, None)
            self._drawn.pop(widget, None)
            self._left = not self._sent
            self._changed.notify_all()

    def behind(self) -> dict[Hashable, int]:
        """The widgets that have not yet drawn what they were sent, with the frame each was sent."""
        with self._changed:
            return {widget: sent for widget, sent in self._sent.items() if self._drawn.get(widget, 0) < sent}

    def caught_up(self, frame: int) -> bool:
        """Whether the page was sent ``frame`` (or a later one) and every widget on it has drawn what it was sent.

        A page whose widgets have all left (closed) has nothing to draw and counts as caught up; a page that has not
        yet been sent a frame (its update is still being rendered) has not.
        """
        with self._changed:
            return self._caught_up(frame)

    def _caught_up(self, frame: int) -> bool:
        if not self._sent:
            return self._left
        return (max(self._sent.values()) >= frame
                and all(self._drawn.get(widget, 0) >= sent for widget, sent in self._sent.items()))

    def wait(self, frame: int, timeout: float, stop: Callable[[], bool] = lambda: False) -> bool:
        """Block until :meth:`caught_up` for ``frame``, ``timeout`` seconds pass, or ``stop()`` turns true.

        Returns:
            True when the page caught up, False on a timeout or a stop.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while not self._caught_up(frame):
                left = deadline - time.monotonic()
                if left <= 0 or stop():
                    return False
                self._changed.wait(min(left, STOP_POLL_S))
            return True


# The page's gate, for the widgets deep in its component tree (None: a widget nobody waits for).
PAGE_GATE = solara.create_context(None, name="ctsim-draw-gate")


class DrawAcknowledged(traitlets.HasTraits):
    """Mixin for an ipyvue template widget that reports the frames it draws to a :class:`DrawGate`.

    The widget's template must call ``this.drawn(this.frame)`` once what came with that frame is on the screen.
    """

    frame = traitlets.Int(0).tag(sync=True)  # 0: not counted
    gate = traitlets.Instance(DrawGate, allow_none=True)  # server side only

    @traitlets.observe("frame", "gate")
    def _count_sent(self, _change) -> None:
        if self.gate is not None and self.frame:
            self.gate.sent(id(self), self.frame)

    def vue_drawn(self, frame, *_buffers) -> None:
        """The browser drew ``frame`` (an ipyvue event from the template)."""
        if self.gate is not None:
            self.gate.drawn(id(self), int(frame))

    def close(self) -> None:
        if self.gate is not None:
            self.gate.forget(id(self))
        super().close()
