-- One line (明细) of an item.
insert into supervision_line (
    item_id, line_no, kind, id_number, beneficiary_name, category, county, township, cadre_name, cadre_phone,
    issue_key, issue_no, issue_raised_on, issue_category, description, summary
)
values (
    $item_id, $line_no, $kind, $id_number, $beneficiary_name, $category, $county, $township, $cadre_name,
    $cadre_phone, $issue_key, $issue_no, $issue_raised_on, $issue_category, $description, $summary
)
