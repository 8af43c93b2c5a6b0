-- One row per 延期申请 of an item, in the order asked, with the decision once taken.
select requested_on, new_due_on, reason, requested_by, decision, decided_on, decided_by, decision_note
from supervision_extension
where item_id = $item_id
order by request_id
