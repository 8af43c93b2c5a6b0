"""The app as the office runs it (`make run`, the systemd unit): app.py on Streamlit's ASGI server, plus one route.

    python -m streamlit run serve.py --server.port 8501 …

Streamlit finds the `st.App` below and serves app.py exactly as `streamlit run app.py` would, with one HTTP
route of ours beside it: the one that sets, renews and clears the HttpOnly session cookie, so that a reload or
a link opened in a new tab goes on signed in (app_ui/browser_session.py, pipeline/sessions.py). Started as
`streamlit run app.py` instead, the app works the same but a reload asks for the password again.
"""

import streamlit as st

from app_ui import browser_session

app = st.App("app.py", routes=browser_session.routes())
