"""HTML pages of the 检查码: public pages (public.py, no login), staff pages (staff.py), the result page
and its evidence files (results.py) and the 区司法局 reviewer pages (reviewer.py). Routes in
checkcode/urls.py."""
