"""The reports: the overdue list (nightly and at the terminal) and the annual complaints
performance report with its renderings and charts. They read through the services' protocols.
"""
