"""settings: to be drawn."""

from app_ui import page

view = page.start("settings", needs_data=False)
