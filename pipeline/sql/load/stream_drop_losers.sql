-- Drops the staged rows of a contact log read in chunks that do not land (registered as stream_losers).
delete from stream_contact
where pos in (select pos from stream_losers)
