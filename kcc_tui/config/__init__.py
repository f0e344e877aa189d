"""config.toml: finding it, reading it, and the typed `Settings` it becomes.

`load_settings()` reads $KCC_CONFIG, else ./config.toml, ~/.config/kcc/config.toml or
/etc/kcc/config.toml, else the example office built into the package; it raises `ConfigError`,
whose message is one line meant for the person editing the file.
"""

from .errors import ConfigError
from .loader import example_path, load_settings, settings_from_document
from .settings import AlertSettings, DisplaySettings, KioskSettings, Settings, StoreSettings

__all__ = [
    "AlertSettings",
    "ConfigError",
    "DisplaySettings",
    "KioskSettings",
    "Settings",
    "StoreSettings",
    "example_path",
    "load_settings",
    "settings_from_document",
]
