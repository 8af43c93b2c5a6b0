"""督办事项 (SPEC §7): 交办 → 签收 → 反馈 → 催办 → 销号 on evidence → 督办通报.

- `rules`: sources, states, levels, who may take which step from which state (no database);
- `workdays`: working days from the official holiday calendar (`chinese-calendar`);
- `lights`: 绿/黄/红 of an item on a day;
- `raising`: the lines of an item from the overdue lists, and the 督办要求 written like the reminders;
- `items`: the items, their lines and every step, in the database (each step also in the audit log);
- `evidence`: what the data says of each line (a contact after 交办, the issue closed, a 情况说明 accepted),
  and the marking of items whose lines are all done (可销号) after an import;
- `figures`: per department and period, 督办事项数, 按期反馈率, 按期销号率, 超期未销号数, 平均办结天数, 催办次数;
- `documents`: the 督办单 of an item and the 督办通报 of a period, as .docx and as printable HTML (→ PDF).

Nothing here imports streamlit; the app (app_pages/supervision.py, app_ui/supervision_view.py) and the command
line (pipeline/cli/supervise.py) call these modules.
"""
