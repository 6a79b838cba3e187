from django.urls import path

from . import views, views_public, views_reviewer

app_name = "checkcode"

urlpatterns = [
    # Public (no login): the QR points at c/<code>/.
    path("c/", views_public.public_lookup, name="public_lookup"),
    path("c/<str:code>/", views_public.public_code, name="public_code"),
    path("c/<str:code>/qr.png", views_public.qr_png, name="qr_png"),
    path("c/<str:code>/qr.svg", views_public.qr_svg, name="qr_svg"),
    # Staff.
    path("checkcode/codes/", views.code_list, name="code_list"),
    path("checkcode/codes/<str:code>/show/", views.code_show, name="code_show"),
    path("checkcode/codes/<str:code>/card/", views.code_card, name="code_card"),
    path("checkcode/codes/<str:code>/revoke/", views.revoke, name="revoke"),
    path("checkcode/inspections/<int:pk>/issue/", views.issue, name="issue"),
    path("checkcode/inspections/<int:pk>/late-code/", views.late_code, name="late_code"),
    path("checkcode/inspections/<int:pk>/result/", views.result, name="result"),
    path("checkcode/inspections/<int:pk>/documents/<str:kind>/", views.document, name="document"),
    # 司法局 reviewers only.
    path("checkcode/evaluations/", views_reviewer.evaluation_list, name="evaluation_list"),
    path("checkcode/rectifications/", views.rectification_list, name="rectification_list"),
    path("checkcode/rectifications/<int:pk>/verify/", views.rectification_verify, name="rectification_verify"),
]
