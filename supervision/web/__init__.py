"""HTML pages of supervision, by subject. (views.py keeps the role home pages.)"""
