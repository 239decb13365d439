"""The staff work queue for online requests: list, claim, answer, reject.
Thin views over amtstermin/core/online_requests.py."""
