@selftest
Feature: Scenarios the release gate must judge
  User guide 1.1 steps 2-5 and 1.2: the self-test checks that this line becomes two links.

  @case_pass @critical @owner_identity-team
  Scenario: A scenario that passes
    Given a scenario
    Then it passes

  @case_flaky
  Scenario: A scenario that fails on its first attempt only
    Given a scenario
    Then it fails on its first attempt only

  @case_quarantined @quarantine_until_2999-12-31 @owner_identity-team
  Scenario: A quarantined scenario that always fails
    Given a scenario
    Then it fails

  @case_expired @quarantine_until_2000-01-01 @owner_identity-team
  Scenario: A scenario whose quarantine has ended
    Given a scenario
    Then it passes

  @case_failing @smoke
  Scenario: A scenario that always fails
    Given a scenario
    Then it fails

  @case_mail_timeout
  Scenario: A scenario whose e-mail never arrives
    Given a scenario
    Then the invitation e-mail never arrives

  @case_suite_defect
  Scenario: A scenario with a defect in the suite
    Given a scenario
    Then a step has a bug

  @case_leak
  Scenario: A scenario that leaks a secret into the report
    Given a password known to the run
    Then the step attaches it without masking
