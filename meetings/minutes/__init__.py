"""What the minute taker records during a meeting: agenda, attendance, minutes, opinions and
votes."""
