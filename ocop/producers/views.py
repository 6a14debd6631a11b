from django.shortcuts import get_object_or_404, render

from .models import Producer


def producer_list(request):
    producers = Producer.objects.visible_to(request.user).with_list_data()[:50]
    return render(request, "producers/producer_list.html", {"producers": producers})


def producer_detail(request, pk):
    producer = get_object_or_404(Producer.objects.visible_to(request.user), pk=pk)
    return render(request, "producers/producer_detail.html", {"producer": producer})
