"""回访核查 (SPEC §8): samples of people for the callers, their sheet, callbacks entered on the page, 疑点.

- sample.py: drawing a sample per department (reproducible from its stored seed), reading samples back;
- sheet.py: the 回访清单 for the callers, with drop-down lists of the answers, that the import reads back;
- doubtful.py: the 疑点 of the checks under pipeline/sql/checks/doubt_*.sql, each with its reason in words,
  and the contacts a callback found untrue;
- entry.py: callbacks entered on the page and the issues a callback reported, through the normal import;
- report.py: the dispatch report's sheet 回访核查情况.
"""
