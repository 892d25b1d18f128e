"""The web site and linked-data server behind ``virsis serve`` (FastAPI + jinja2, no CDN, no JavaScript needed)."""
