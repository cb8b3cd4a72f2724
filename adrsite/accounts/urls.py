"""URLs of the accounts app: sign-in and the user's own page."""

from django.urls import path

from adrsite.accounts import views

app_name = "accounts"
urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/login/", views.LoginView.as_view(), name="login"),
    path("account/logout/", views.logout, name="logout"),
    path("account/tokens/", views.create_token, name="create-token"),
    path("account/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke-token"),
]
