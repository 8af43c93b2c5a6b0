-- One row per scope some enabled account has (its county, its department; both null: the whole city), the
-- scopes with most accounts first.
select county, department
from app_user
where not disabled
group by county, department
order by count(*) desc, county nulls first, department nulls first
