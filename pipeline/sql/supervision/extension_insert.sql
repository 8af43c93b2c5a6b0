-- One 延期申请 of an item, pending until the office decides.
insert into supervision_extension (request_id, item_id, requested_on, new_due_on, reason, requested_by)
values (nextval('supervision_extension_seq'), $item_id, $requested_on, $new_due_on, $reason, $requested_by)
returning request_id
