"""The staff work queue for online requests: list (filtered, searched, paged), claim, answer,
reject and internal notes. Thin views over amtstermin/core/online_requests.py."""
