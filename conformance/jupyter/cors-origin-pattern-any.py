# Misconfiguration: an origin pattern that matches every origin, so Jupyter reflects whatever
# Origin a page sends (allow_origin_pat is a regular expression).
c = get_config()  # noqa: F821 - provided by traitlets
load_subconfig("jupyter_server_config.py")  # noqa: F821
c.ServerApp.allow_origin = ""
c.ServerApp.allow_origin_pat = ".*"
