-- Rows held back because they would undo progress (SPEC §4: an issue moved back from 已解决/无法解决, or a
-- person's 退出日期 cleared) are not rejected: each batch counts them apart, and they are kept beside the
-- rejected rows, marked, so that the import history and the download show them with their reason.
alter table import_batch add column if not exists held_back integer default 0;
alter table rejected_row add column if not exists held_back boolean default false;
