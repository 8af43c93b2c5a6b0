"""全市总览: what is stored and the headline figures of the current quarter."""

import streamlit as st

from app_ui import data
from pipeline import labels

st.title(labels.APP_TITLE)
info = data.cached_status(data.data_version())
if not info or not info["beneficiaries"]:
    st.info(labels.STATUS_NO_DATA)
    st.stop()

st.caption(labels.STATUS_LAST_IMPORT.format(batch=info["last_batch_id"], time=info["last_import_at"]))
cols = st.columns(4)
cols[0].metric(labels.STATUS_BENEFICIARIES, f"{info['beneficiaries']:,}")
cols[1].metric(labels.STATUS_PAIRINGS, f"{info['pairings']:,}")
cols[2].metric(labels.STATUS_CONTACTS, f"{info['contacts']:,}")
cols[3].metric(labels.STATUS_ISSUES, f"{info['issues']:,}")
