"""The meeting screen: one page for the meeting night, working offline."""
