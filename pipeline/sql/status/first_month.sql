-- One row: the first day of the month of the earliest contact or issue (null when there is none).
select date_trunc('month', least(
    (select min(contact_date) from contact),
    (select min(raised_on) from issue)
))::date as first_month
