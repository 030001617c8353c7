"""The networks' blueprints, all under /networks."""
