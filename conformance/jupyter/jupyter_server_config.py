"""Jupyter Server settings for the conformance tier: Jupyter's defaults plus a loopback listener,
token authentication and one allow-listed cross-origin front end.

The tier starts it as `jupyter server --config jupyter_server_config.py --port PORT
--ServerApp.root_dir DIR` with JUPYTER_TOKEN in the environment (a throwaway local token, the same
as in jupyter.env). Each misconfiguration is a small config file beside this one that loads it
(load_subconfig) and changes one setting.
"""

import os

c = get_config()  # noqa: F821 - provided by traitlets when Jupyter loads this file

c.ServerApp.ip = "127.0.0.1"
c.ServerApp.open_browser = False
# token authentication, no password login
c.IdentityProvider.token = os.environ["JUPYTER_TOKEN"]
c.PasswordIdentityProvider.hashed_password = ""
# a JupyterLab front end served from another origin, with the token in a header
c.ServerApp.allow_origin = "https://lab.conformance.test"
# the tier (and CI) run as root in a throwaway container; Jupyter refuses root without this
c.ServerApp.allow_root = True
