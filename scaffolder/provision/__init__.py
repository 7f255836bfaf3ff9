"""Provisioning: the offline plan and the Pulumi Automation API seam.

Only `automation.py` imports pulumi.automation. Prices and the cost estimate live
in scaffolder.environment, which imports no pulumi at all, so `scaffold audit` can
price an environment quickly.
"""
