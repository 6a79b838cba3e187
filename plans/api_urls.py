"""plans API routes (viewsets in api.py): enterprises, annual plans, cap policies, inspections,
triggered filings, joint-merge proposals and 邀约."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter(trailing_slash=True)
router.register("enterprises", api.EnterpriseViewSet, basename="enterprise")
router.register("plans", api.AnnualPlanViewSet, basename="annual-plan")
router.register("inspections", api.InspectionViewSet, basename="inspection")
router.register("triggered-filings", api.TriggeredFilingViewSet, basename="triggered-filing")
router.register("invitations", api.InvitationViewSet, basename="invitation")
router.register("joint-proposals", api.JointProposalViewSet, basename="joint-proposal")

urlpatterns = [path("cap-policies/", api.CapPoliciesApi.as_view(), name="cap-policies"), *router.urls]
