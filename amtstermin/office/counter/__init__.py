"""The clerk's counter: call the next visitor, check citizens in at the desk, issue walk-in
numbers. Thin views over amtstermin/core/visits.py and amtstermin/core/desk.py."""
