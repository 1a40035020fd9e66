from django.db import connection
from django.http import JsonResponse
from rest_framework import generics, viewsets

from notes.models import Note
from notes.serializers import NoteSerializer, UserSerializer


class NoteViewSet(viewsets.ModelViewSet):
    """Notes of the signed-in user: DRF's default permission classes, and a queryset of the
    caller's own notes only (another user's note is a 404, as DRF answers for objects outside it)."""

    serializer_class = NoteSerializer

    def get_queryset(self):
        return Note.objects.filter(owner_id=self.request.user.pk)

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)


class MeView(generics.RetrieveUpdateAPIView):
    serializer_class = UserSerializer

    def get_object(self):
        return self.request.user


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": True})
