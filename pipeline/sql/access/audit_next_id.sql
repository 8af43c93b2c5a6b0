-- The number of the next audit record.
select nextval('audit_log_seq')
