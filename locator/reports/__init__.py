"""The unmet-demand report: searches and reservations that found a product nowhere nearby.

Counted per worker in memory (`counting`), flushed in the background into the `unmet-demand`
index (`flush`), summed by week, area and product for the report (`queries`, `report`).
"""
