"""设置: overdue days, score weights and RAG bands, stored in DuckDB with who changed them and when."""

import datetime as dt

import pandas as pd
import streamlit as st

from app_ui import auth, data, escape, page, tables, upload_data
from pipeline import access, db, labels, materialized, settings

FLASH_KEY = "settings_flash"  # a message to show after the rerun that follows a save or a reset
STORED_WARNING_KEY = "settings_stored_warning"  # why the figures could not be stored after the change
WIDGET_KEYS = {key: f"setting_{key}" for key in settings.DEFAULTS}
WEIGHT_STEP = 0.05
BAND_STEP = 0.01


def _number(key: str, value: float, label: str, **options) -> float:
    return st.number_input(label, value=value, key=WIDGET_KEYS[key], **options)


def _form(current: settings.Settings) -> dict[str, float] | None:
    """The form; the values entered when it was submitted, else None."""
    values = current.as_dict()
    entered: dict[str, float] = {}
    with st.form("settings_form"):
        st.markdown(f"**{labels.SETTINGS_GROUP_THRESHOLDS}**")
        entered["overdue_days"] = _number(
            "overdue_days",
            int(values["overdue_days"]),
            labels.SETTING_LABELS["overdue_days"],
            min_value=1,
            max_value=365,
            step=1,
            help=labels.SETTINGS_DAYS_HELP,
            width=320,
        )
        st.markdown(f"**{labels.SETTINGS_GROUP_WEIGHTS}**")
        st.caption(labels.SETTINGS_WEIGHTS_HELP)
        for column, (rate, key) in zip(
            st.columns(len(settings.WEIGHT_KEYS)), settings.WEIGHT_KEYS.items(), strict=True
        ):
            with column:
                entered[key] = _number(
                    key, values[key], labels.METRIC_LABELS[rate], min_value=0.0, step=WEIGHT_STEP, format="%.2f"
                )
        st.markdown(f"**{labels.SETTINGS_GROUP_BANDS}**")
        st.caption(labels.SETTINGS_BANDS_HELP)
        green, amber, _rest = st.columns([1, 1, 3])
        with green:
            entered["rag_green"] = _number(
                "rag_green",
                values["rag_green"],
                labels.SETTING_LABELS["rag_green"],
                min_value=0.0,
                max_value=1.0,
                step=BAND_STEP,
                format="%.2f",
            )
        with amber:
            entered["rag_amber"] = _number(
                "rag_amber",
                values["rag_amber"],
                labels.SETTING_LABELS["rag_amber"],
                min_value=0.0,
                max_value=1.0,
                step=BAND_STEP,
                format="%.2f",
            )
        st.markdown(f"**{labels.SETTINGS_GROUP_FESTIVALS}**")
        st.caption(labels.SETTINGS_FESTIVALS_HELP)
        for column, key in zip(st.columns(len(settings.FESTIVAL_KEYS)), settings.FESTIVAL_KEYS, strict=True):
            with column:
                entered[key] = _number(key, int(values[key]), labels.SETTING_LABELS[key], min_value=0, step=1)
        st.markdown(f"**{labels.SETTINGS_GROUP_LEADING}**")
        st.caption(labels.SETTINGS_LEADING_HELP)
        for column, (level, key) in zip(
            st.columns(len(settings.LEADING_LEVEL_KEYS)), settings.LEADING_LEVEL_KEYS.items(), strict=True
        ):
            with column:
                checked = st.checkbox(level, value=bool(values[key]), key=WIDGET_KEYS[key])
                entered[key] = 1.0 if checked else 0.0
        st.markdown(f"**{labels.SETTINGS_GROUP_CALLBACKS}**")
        st.caption(labels.SETTINGS_CALLBACKS_HELP)
        for index, key in enumerate(settings.CALLBACK_KEYS):
            if index % 3 == 0:
                row = st.columns(3)
            low, high = settings.CALLBACK_RANGES[key]
            with row[index % 3]:
                entered[key] = _number(
                    key, int(values[key]), labels.SETTING_LABELS[key], min_value=low, max_value=high, step=1
                )
        submitted = st.form_submit_button(labels.SETTINGS_SAVE, type="primary", icon=":material/save:")
    # the browser's arithmetic on steps of 0.05 gives 0.30000000000000004: keep the figure the office typed
    return {key: round(float(value), 6) for key, value in entered.items()} if submitted else None


def _save(current: settings.Settings, entered: dict[str, float]) -> None:
    before = current.as_dict()
    changes = {key: value for key, value in entered.items() if value != before[key]}
    if not changes:
        st.info(labels.SETTINGS_NO_CHANGE)
        return
    try:
        settings.validate({**before, **changes})
    except settings.SettingError as exc:
        st.error(labels.SETTINGS_REFUSED.format(message=exc), icon=":material/error:")
        return
    user, when = auth.require_user(), dt.datetime.now().replace(microsecond=0)
    try:
        con = db.connect(data.database_path(), external_access=False)
    except db.DatabaseBusy:
        st.warning(labels.SETTINGS_DB_BUSY)
        return
    try:
        settings.write_settings(con, changes, user.name, at=when)
        _audit(con, user, labels.AUDIT_DETAIL_SETTINGS_SAVE, changes)
        _store(con)
    finally:
        con.close()
    data.clear_caches()
    st.session_state[FLASH_KEY] = labels.SETTINGS_SAVED.format(user=escape.md(user.name), time=f"{when:%Y-%m-%d %H:%M}")
    st.rerun()


def _audit(con, user, action: str, values: dict) -> None:
    names = "、".join(f"{labels.SETTING_LABELS[key]}={settings.value_text(value)}" for key, value in values.items())
    detail = labels.AUDIT_DETAIL_SETTINGS.format(action=action, names=names)
    access.log_action(con, user, "settings_change", detail, len(values))


def _store(con) -> None:
    """The stored figures of the common periods follow the new settings (a failure only costs speed)."""
    with st.spinner(labels.SETTINGS_STORING):
        stored, message = materialized.refresh_after_change(con, data.today())
    if stored is None:
        st.session_state[STORED_WARNING_KEY] = message


def _reset() -> None:
    if data.database_path().exists():  # without a database the defaults are in force already
        try:
            con = db.connect(data.database_path(), external_access=False)
        except db.DatabaseBusy:
            st.warning(labels.SETTINGS_DB_BUSY)
            return
        try:
            settings.reset_settings(con)
            _audit(con, auth.require_user(), labels.AUDIT_DETAIL_SETTINGS_RESET, settings.DEFAULTS)
            _store(con)
        finally:
            con.close()
        data.clear_caches()
    for key in WIDGET_KEYS.values():  # the form shows the defaults again, not what was typed
        st.session_state.pop(key, None)
    st.session_state[FLASH_KEY] = labels.SETTINGS_RESET_DONE
    st.rerun()


def _overview(current: settings.Settings, stored: dict[str, dict]) -> pd.DataFrame:
    """Each setting: its label, the value in force, the default, and who changed it when."""
    values = current.as_dict()
    rows = []
    for key, default in settings.DEFAULTS.items():
        row = stored.get(key, {})
        updated_at = row.get("updated_at")
        rows.append(
            {
                "label": labels.SETTING_LABELS[key],
                "current": settings.value_text(values[key]),
                "default": settings.value_text(default),
                "changed": labels.SETTINGS_CHANGED_MARK if values[key] != default else "",
                "updated_by": row.get("updated_by") or "",
                "updated_at": f"{updated_at:%Y-%m-%d %H:%M}" if updated_at else "",
            }
        )
    return pd.DataFrame(rows).rename(columns=labels.SETTINGS_TABLE_COLUMNS)


view = page.start("settings", needs_data=False, allowed=lambda user: user.may_change_settings)
version = data.data_version()
st.caption(labels.SETTINGS_INTRO)
st.caption(labels.SETTINGS_ACCESS_NOTE)
flash = st.session_state.pop(FLASH_KEY, None)
if flash:
    st.success(flash, icon=":material/check_circle:")
if STORED_WARNING_KEY in st.session_state:
    st.warning(st.session_state.pop(STORED_WARNING_KEY))

current, stored = upload_data.settings_state(version)
entered = _form(current)
if entered is not None:
    _save(current, entered)

with st.popover(labels.SETTINGS_RESET, icon=":material/restart_alt:"):
    st.write(labels.SETTINGS_RESET_CONFIRM)
    if st.button(labels.SETTINGS_RESET_BUTTON, key="settings_reset", type="primary"):
        _reset()

st.subheader(labels.SETTINGS_CURRENT_HEADER)
tables.show_table(_overview(current, stored), key="settings_table", file_name=labels.SETTINGS_CURRENT_HEADER)
