"""Web plumbing shared by routes and services: refusals and their responses, sign-in guards, CSRF, templates."""
