"""Vietnamese number format, where Django's own locale leaves it out: thousands grouped by
three with a dot (120.000 đ, 20.412 sản phẩm). Everything else comes from Django's ``vi``."""

NUMBER_GROUPING = 3
