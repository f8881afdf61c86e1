"""Butlr sends no webhooks: this module deliberately provides nothing.

The reference documents no webhooks, SSE, websockets or push feed of any kind (a Hive's
`mqtt` block is printed but never explained, and `/streams` is deprecated). Live
occupancy therefore comes from polling `ButlrClient.occupancy.get_current` (one reporting
call for every watched room), shared by every subscriber, in the server's poller. Nothing
here verifies or parses deliveries, and the server must not expose a Butlr ingress.
"""
