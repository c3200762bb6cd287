"""Server-rendered pages: the public tracking page (zh/en/ru/kk). Styles are served locally."""
