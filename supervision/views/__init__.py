"""HTML pages of supervision, by subject: the role home pages (home.py), dashboard, alerts and blocks,
audit jobs and filing summaries, cases and 12345 hotline, surveys. Routes in urls.py and home_urls.py."""
