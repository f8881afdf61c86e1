"""Graph logic: per-request context, dataloaders, caches and the site map (grows with the graph)."""
