"""Typed settings of one ticket printer, as read from config.toml `[printers.ID]`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class PrinterSettings(BaseModel):
    # built at its first validation, not at import (as kcc_tui.config's models)
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    transport: Literal["network", "usb", "serial", "file", "dummy"] = "dummy"
    # network
    host: str = "127.0.0.1"
    port: int = Field(default=9100, ge=1, le=65535)
    # usb (ids as integers; config.toml may write them as 0x04b8)
    vendor_id: int | None = None
    product_id: int | None = None
    # serial device or file path
    device: str = ""
    baudrate: int = 19200
    profile: str = "TM-T20II"
    timeout_s: float = Field(default=2.0, gt=0)
    qr: bool = False
    # text of the QR code; {number} {service} {day} are filled in
    qr_text: str = ""
    # footer per language code
    footer: dict[str, str] = {}
