"""Industry statistics (行业统计): the association's annual report, rankings, monthly series and feeds.

Sits in the core below the domain packages: it learns of sales and sessions only from the events they publish
and from houses' submissions, into its own fact tables. `domain/` holds the pure rules.
"""
