"""The wish-list: when no time fits, a citizen leaves a wish, and freed or new capacity goes, in
order, to the people who asked for it instead of to whoever reloads fastest.

- store.py: leave a wish (proven by the mailed key before it holds a place), cancel, expire.
- matching.py: serve(): the oldest waiting wish first, each gets the earliest free start that
  fits its services, locations, weekdays, day-times and latest day, held as an offer.
- offers.py: accept, decline; settle() notes offers whose hold lapsed.

An offer is a reserved appointment (booking.hold_for_wish), so the booking guards apply
unchanged: a time offered to one wish is busy for everyone else, online and other wishes alike,
and can never be booked twice.
"""
