"""No Django admin for continuation reviews: their justifications and the TL's comments are case content
(DP-1); reviews are read on the case page and changed only through their gates (reviews.services)."""
