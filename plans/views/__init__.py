"""HTML pages of plans (routes in plans/urls.py): the enterprise registry and caps (enterprises.py),
annual plans (plans.py, public.py), inspections (inspections.py), joint-merge proposals (joint_proposals.py) and 邀约 (invitations.py)."""
