"""The wall display's widgets; each keeps its own DEFAULT_CSS."""

from .bigtext import BigText
from .boards import HistoryBoard, NowCalled, QueueBoard
from .ticker import ClockFace, Ticker

__all__ = ["BigText", "ClockFace", "HistoryBoard", "NowCalled", "QueueBoard", "Ticker"]
