from django.shortcuts import render

from .models import Product


def product_list(request):
    products = Product.objects.visible_to(request.user).with_list_data()[:50]
    return render(request, "products/product_list.html", {"products": products})
