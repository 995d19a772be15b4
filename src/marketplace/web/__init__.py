"""HTTP plumbing shared by every package: endpoints, OpenAPI, middleware, pagination."""
