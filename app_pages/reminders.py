"""reminders: to be drawn."""

from app_ui import page

view = page.start("reminders")
