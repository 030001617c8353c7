"""What every page shares: error pages, templating, static files, security headers,
form base classes, request helpers, the JSON API and its OpenAPI document."""
