"""What reports and the release gate read: tag conventions, the user guide's sections, the run's environment,
its recorded secrets, and adjustments of Allure results (masking, flaky, muted)."""
