"""The one place that imports python-escpos, so its import-time side effects stay contained.

Importing `escpos.capabilities` calls `logging.basicConfig()` (a raw "WARNING:name:..." line on
stderr for every later log record of the process, CLI output included) and makes a temporary
folder for its pickle cache that nothing removes. Here the handler is taken off again and the
folder is removed at exit. The rest of `printers/` imports python-escpos names from here.

Tested with python-escpos 3.1 (pyproject pins `>=3.1,<3.2`): `transport` and `service` use
its `_raw` and `_device` members, which a later release may change.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil

_root = logging.getLogger()
_handlers = list(_root.handlers)

import escpos.capabilities  # noqa: E402 - after noting the root logger's handlers

for _handler in _root.handlers[:]:
    if _handler not in _handlers:
        _root.removeHandler(_handler)
if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
    atexit.register(shutil.rmtree, escpos.capabilities.pickle_dir, ignore_errors=True)

from escpos.capabilities import NotSupported  # noqa: E402
from escpos.constants import (  # noqa: E402
    QR_ECLEVEL_H,
    QR_ECLEVEL_L,
    QR_ECLEVEL_M,
    QR_ECLEVEL_Q,
)
from escpos.escpos import Escpos  # noqa: E402
from escpos.exceptions import DeviceNotFoundError  # noqa: E402
from escpos.printer import Dummy, File, Network, Serial, Usb  # noqa: E402

__all__ = [
    "QR_ECLEVEL_H",
    "QR_ECLEVEL_L",
    "QR_ECLEVEL_M",
    "QR_ECLEVEL_Q",
    "DeviceNotFoundError",
    "Dummy",
    "Escpos",
    "File",
    "Network",
    "NotSupported",
    "Serial",
    "Usb",
]
