"""upload: to be drawn."""

from app_ui import page

view = page.start("upload", needs_data=False)
