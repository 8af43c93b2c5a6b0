-- One row per line of the items within the scope (or of the one item asked for), with what the data says of it
-- on as_of. A pair line is done by a contact with the person dated after 交办日期 (the first such contact is the
-- evidence, whoever made it); an issue line when the ledger shows the issue closed (已解决/无法解决, or a 办结日期
-- after 交办日期); any line when the office accepted the department's 情况说明. The data comes first: an accepted
-- 情况说明 is the evidence only where the data shows nothing.
with items as (
    select item_id, raised_on
    from supervision_item
    where (cast($item_id as integer) is null or item_id = $item_id)
        and (cast($county as varchar) is null or county = $county)
        and (cast($department as varchar) is null or department = $department)
),

lines as (
    select lines.*, items.raised_on as item_raised_on
    from supervision_line as lines
    inner join items on items.item_id = lines.item_id
),

first_contact as (
    select
        lines.item_id,
        lines.line_no,
        min(contact.contact_date) as contact_on,
        arg_min(contact.method, contact.contact_date) as method
    from lines
    inner join contact
        on contact.id_number = lines.id_number
        and contact.contact_date > lines.item_raised_on
        and contact.contact_date <= $as_of
    where lines.kind = 'pair'
    group by lines.item_id, lines.line_no
),

issue_now as (
    -- the issue as the ledger has it now: by its key, or (renumbered since) by person, date, category, text
    select
        lines.item_id,
        lines.line_no,
        arg_max(issue.status, issue.issue_key = lines.issue_key) as status,
        arg_max(issue.closed_on, issue.issue_key = lines.issue_key) as closed_on
    from lines
    inner join issue
        on issue.id_number = lines.id_number
        and (
            issue.issue_key = lines.issue_key
            or (
                issue.raised_on = lines.issue_raised_on
                and issue.category = lines.issue_category
                and issue.description = lines.description
            )
        )
    where lines.kind = 'issue'
    group by lines.item_id, lines.line_no
),

issue_closed as (
    select
        item_id,
        line_no,
        status,
        closed_on
    from issue_now
    where (list_contains($closed_statuses::varchar[], status) and coalesce(closed_on <= $as_of, true))
        or (closed_on is not null and closed_on <= $as_of)
),

judged as (
    select
        lines.*,
        first_contact.contact_on,
        first_contact.method,
        issue_closed.status as closed_status,
        issue_closed.closed_on,
        case
            when first_contact.contact_on is not null then 'contact'
            when issue_closed.line_no is not null then 'issue'
            when lines.accepted_on is not null and lines.accepted_on <= $as_of then 'accepted'
        end as evidence_kind
    from lines
    left join first_contact
        on first_contact.item_id = lines.item_id and first_contact.line_no = lines.line_no
    left join issue_closed
        on issue_closed.item_id = lines.item_id and issue_closed.line_no = lines.line_no
),

final as (
    select
        item_id,
        line_no,
        kind,
        id_number,
        beneficiary_name,
        category,
        county,
        township,
        cadre_name,
        cadre_phone,
        issue_no,
        summary,
        explanation,
        explained_on,
        accepted_on,
        accepted_note,
        evidence_kind,
        evidence_kind is not null as is_done,
        -- the day of the evidence (an issue closed without a 办结日期: null) and what it was
        case evidence_kind
            when 'contact' then contact_on
            when 'issue' then closed_on
            when 'accepted' then accepted_on
        end as evidence_on,
        case evidence_kind
            when 'contact' then method
            when 'issue' then closed_status
        end as evidence_what
    from judged
)

select * from final
order by item_id, line_no
