# Owned by the appointment-page work; names join the "citizen" namespace.
urlpatterns = []
