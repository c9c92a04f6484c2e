"""`symcheck serve`: a small web application to browse the claims, edit one, run it under
hard limits in a worker process, step through its trace or explore its states by hand,
and share what was found by a link. See symcheck/serve/app.py for the routes."""
