"""Who may do what: positions, roles, accounts, passwords and the login throttle."""
