from django.urls import path

from . import views

app_name = "guidance"

urlpatterns = [
    path("", views.home, name="home"),
    path("trainings/", views.training_list, name="training_list"),
    path("trainings/new/", views.training_create, name="training_create"),
    path("trainings/coverage/", views.coverage, name="coverage"),
    path("trainings/<int:pk>/", views.training_detail, name="training_detail"),
    path("trainings/<int:pk>/materials/", views.training_material_add, name="training_material_add"),
    path("trainings/<int:pk>/attendance-import/", views.training_attendance_import, name="training_attendance_import"),
    path("tests/", views.test_list, name="test_list"),
    path("tests/new/", views.test_create, name="test_create"),
    path("tests/<int:pk>/", views.test_detail, name="test_detail"),
    path("attempts/", views.attempt_list, name="attempt_list"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt_detail"),
    path("questions/", views.question_list, name="question_list"),
    path("questions/import/", views.question_import, name="question_import"),
    path("questions/template.xlsx", views.question_template, name="question_template"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_edit, name="case_create"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("recognitions/", views.recognition_list, name="recognition_list"),
    path("recognitions/inspection/<int:inspection_pk>/", views.recognition_candidates, name="recognition_candidates"),
    path("equivalences/", views.equivalence_list, name="equivalence_list"),
    path("settings/", views.policy_edit, name="policy_edit"),
]
