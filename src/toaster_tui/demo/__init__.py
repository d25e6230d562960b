"""`toaster demo`: bundled sample feeds and the offline session built from them."""
